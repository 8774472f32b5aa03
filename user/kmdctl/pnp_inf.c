/* INF files for kmdctl's PnP subcommands: see pnp.h. The parts of an INF are read with SetupAPI
 * (its parser, string substitution and [Strings]); which models section applies is decided here,
 * by Windows' rules for TargetOSVersion decorations, because SetupDiGetActualModelsSection,
 * which does it on Windows, is missing in Wine 8 (an import of it would stop kmdctl loading). */
#include "pnp.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

int pnp_ids_has(const struct pnp_ids *ids, const wchar_t *id)
{
    for (size_t i = 0; i < ids->count; i++)
        if (_wcsicmp(ids->id[i], id) == 0)
            return 1;
    return 0;
}

int pnp_ids_add(struct pnp_ids *ids, const wchar_t *id)
{
    if (id[0] == L'\0' || pnp_ids_has(ids, id))
        return 1;
    if (ids->count == PNP_IDS_MAX || wcslen(id) > KMDCTL_DEVICE_ID_MAX)
        return 0;
    wcscpy(ids->id[ids->count++], id);
    return 1;
}

const char *pnp_ids_text(const struct pnp_ids *ids, char *buf, size_t size)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < ids->count && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", u8(ids->id[i]));
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return ids->count ? buf : "(none)";
}

DWORD pnp_store_path(const wchar_t *name, wchar_t *path, size_t size)
{
    UINT n = GetWindowsDirectoryW(path, (UINT)size);

    if (n == 0 || n + wcslen(name) + 6 > size)
        return n == 0 ? GetLastError() : ERROR_BUFFER_OVERFLOW;
    swprintf(path + n, size - n, L"\\inf\\%ls", name);
    return ERROR_SUCCESS;
}

/* --- which models section applies -------------------------------------------------------------
 * A [Manufacturer] entry is "Name = Models[, TargetOSVersion...]"; each TargetOSVersion is
 * NT[Architecture][.Major[.Minor[.Product[.Suite[.Build]]]]]. Windows uses the models section
 * Models.<decoration> of the decoration that fits this system best: the architecture must be this
 * one (x64: only NTamd64... counts; x86: NTx86..., else NT... without an architecture, else the
 * undecorated section), the version must not be above the system's, and of those that fit, the
 * architecture-specific one with the highest version wins. */

#ifdef _WIN64
#define PNP_ARCH L"amd64"
#else
#define PNP_ARCH L"x86"
#endif

/* The running system's version (GetVersionEx lies to programs without a manifest). */
static void os_version(DWORD *major, DWORD *minor)
{
    typedef LONG(WINAPI * rtl_get_version_fn)(OSVERSIONINFOW *);
    rtl_get_version_fn get = (rtl_get_version_fn)(void (*)(void))GetProcAddress(
        GetModuleHandleW(L"ntdll.dll"), "RtlGetVersion");
    OSVERSIONINFOW v;

    memset(&v, 0, sizeof v);
    v.dwOSVersionInfoSize = sizeof v;
    *major = 6, *minor = 1;
    if (get && get(&v) == 0)
        *major = v.dwMajorVersion, *minor = v.dwMinorVersion;
}

/* How well `deco` fits: -1 not at all; else 2 (this architecture) or 1 (any architecture) times
 * 2^40, plus the version, so that a higher score is a better fit. */
static long long decoration_score(const wchar_t *deco, DWORD os_major, DWORD os_minor)
{
    static const wchar_t *const archs[] = {L"x86", L"amd64", L"arm64", L"arm", L"ia64"};
    const wchar_t *p = deco + 2;
    unsigned long major = 0, minor = 0;
    int specific = 0;

    if (_wcsnicmp(deco, L"nt", 2) != 0)
        return -1;
    for (size_t i = 0; i < sizeof archs / sizeof *archs; i++) {
        size_t n = wcslen(archs[i]);
        if (_wcsnicmp(p, archs[i], n) == 0 && (p[n] == L'\0' || p[n] == L'.')) {
            if (_wcsicmp(archs[i], PNP_ARCH) != 0)
                return -1;
            specific = 1;
            p += n;
            break;
        }
    }
    if (*p != L'\0' && *p != L'.')
        return -1; /* NTx64 and other slips name no architecture Windows knows */
#ifdef _WIN64
    if (!specific)
        return -1;
#endif
    if (*p == L'.') {
        major = wcstoul(p + 1, (wchar_t **)&p, 10);
        if (*p == L'.')
            minor = wcstoul(p + 1, (wchar_t **)&p, 10);
    }
    if (major > os_major || (major == os_major && minor > os_minor))
        return -1;
    return (specific ? 2LL : 1LL) << 40 | (long long)(major << 16 | minor);
}

static BOOL get_field(INFCONTEXT *ctx, DWORD field, wchar_t *buf, DWORD size)
{
    buf[0] = L'\0';
    return SetupGetStringFieldW(ctx, field, buf, size, NULL);
}

/* Adds the hardware and compatible ids of the models section `section` to `ids`. */
static void read_models(HINF h, const wchar_t *section, struct pnp_ids *ids)
{
    INFCONTEXT ctx;
    wchar_t id[KMDCTL_DEVICE_ID_MAX + 2];

    if (!SetupFindFirstLineW(h, section, NULL, &ctx))
        return;
    do {
        DWORD fields = SetupGetFieldCount(&ctx);
        /* Field 1 is the DDInstall section; 2 the hardware id; then compatible ids. */
        for (DWORD f = 2; f <= fields; f++)
            if (get_field(&ctx, f, id, sizeof id / sizeof *id))
                pnp_ids_add(ids, id);
    } while (SetupFindNextLine(&ctx, &ctx));
}

/* The models sections of every [Manufacturer] entry that apply here, and their ids. */
static void read_manufacturers(HINF h, struct pnp_inf *inf)
{
    INFCONTEXT ctx;
    DWORD os_major, os_minor;

    os_version(&os_major, &os_minor);
    inf->models[0] = L'\0';
    if (!SetupFindFirstLineW(h, L"Manufacturer", NULL, &ctx))
        return;
    do {
        wchar_t base[128], deco[128], best[128] = L"", section[260];
        long long best_score = -1;
        DWORD fields = SetupGetFieldCount(&ctx);
        size_t used;

        if (!get_field(&ctx, 1, base, sizeof base / sizeof *base) || base[0] == L'\0')
            continue;
        for (DWORD f = 2; f <= fields; f++) {
            long long score;
            if (!get_field(&ctx, f, deco, sizeof deco / sizeof *deco))
                continue;
            score = decoration_score(deco, os_major, os_minor);
            if (score > best_score) {
                best_score = score;
                wcscpy(best, deco);
            }
        }
#ifdef _WIN64
        if (best_score < 0)
            continue; /* x64 Windows installs from NTamd64-decorated models only */
#endif
        swprintf(section, sizeof section / sizeof *section, best_score < 0 ? L"%ls" : L"%ls.%ls",
                 base, best);
        read_models(h, section, &inf->ids);
        used = wcslen(inf->models);
        if (used + wcslen(section) + 3 < sizeof inf->models / sizeof *inf->models)
            swprintf(inf->models + used, sizeof inf->models / sizeof *inf->models - used, L"%ls%ls",
                     used ? L", " : L"", section);
    } while (SetupFindNextLine(&ctx, &ctx));
}

/* --- the files of the package ---------------------------------------------------------------
 * The catalog named by CatalogFile lies beside the INF. [SourceDisksFiles(.arch)] lists every
 * file the INF copies: "file = disk[,subdir]", found at
 * <the INF's folder>\<the disk's path in [SourceDisksNames(.arch)]>\<subdir>\file. Windows asks
 * for the disk when one is missing (Wine 8 retries the copy forever): check them first. */

#ifdef _WIN64
#define PNP_PLATFORM L"amd64"
#else
#define PNP_PLATFORM L"x86"
#endif

/* Appends `part` (without leading or trailing backslashes) to `path`. */
static void append_part(wchar_t *path, size_t size, const wchar_t *part)
{
    size_t used = wcslen(path), n;

    while (*part == L'\\' || *part == L'/')
        part++;
    n = wcslen(part);
    while (n && (part[n - 1] == L'\\' || part[n - 1] == L'/'))
        n--;
    if (n == 0 || used + n + 2 > size)
        return;
    path[used++] = L'\\';
    wmemcpy(path + used, part, n);
    path[used + n] = L'\0';
}

/* The path of disk `disk` in the package ("" for its root). */
static void disk_path(HINF h, const wchar_t *disk, wchar_t *path, DWORD size)
{
    static const wchar_t *const sections[] = {(L"SourceDisksNames." PNP_PLATFORM),
                                              L"SourceDisksNames"};
    INFCONTEXT ctx;

    path[0] = L'\0';
    for (size_t i = 0; i < 2; i++)
        if (SetupFindFirstLineW(h, sections[i], disk, &ctx)) {
            if (!get_field(&ctx, 4, path, size))
                path[0] = L'\0';
            return;
        }
}

static int check_package_files(HINF h, const struct pnp_inf *inf)
{
    static const wchar_t *const sections[] = {(L"SourceDisksFiles." PNP_PLATFORM),
                                              L"SourceDisksFiles"};
    wchar_t folder[KMD_PATH_MAX], *slash;

    wcscpy(folder, inf->path);
    slash = wcsrchr(folder, L'\\');
    if (slash)
        *slash = L'\0';
    /* The catalog, beside the INF: CatalogFile.NT<arch>, else .NT, else the undecorated one. */
    for (size_t i = 0; i < 3; i++) {
        static const wchar_t *const keys[] = {(L"CatalogFile.NT" PNP_PLATFORM), L"CatalogFile.NT",
                                              L"CatalogFile"};
        INFCONTEXT ctx;
        wchar_t cat[MAX_PATH], full[KMD_PATH_MAX];

        if (!SetupFindFirstLineW(h, L"Version", keys[i], &ctx))
            continue;
        if (!get_field(&ctx, 1, cat, MAX_PATH) || cat[0] == L'\0')
            break;
        wcscpy(full, folder);
        append_part(full, KMD_PATH_MAX, cat);
        if (GetFileAttributesW(full) == INVALID_FILE_ATTRIBUTES)
            return out_fail(KMDCTL_EXIT_NOT_FOUND, ERROR_FILE_NOT_FOUND,
                            "the package of '%s' is incomplete: its catalog %s (%s) is not at %s",
                            u8(inf->path), u8(cat), u8(keys[i]), u8(full));
        break;
    }
    for (size_t i = 0; i < 2; i++) {
        INFCONTEXT ctx;

        if (!SetupFindFirstLineW(h, sections[i], NULL, &ctx))
            continue;
        do {
            wchar_t file[MAX_PATH], disk[32], sub[MAX_PATH], dpath[MAX_PATH], full[KMD_PATH_MAX];

            if (!get_field(&ctx, 0, file, MAX_PATH) || file[0] == L'\0')
                continue;
            get_field(&ctx, 1, disk, sizeof disk / sizeof *disk);
            if (!get_field(&ctx, 2, sub, MAX_PATH))
                sub[0] = L'\0';
            disk_path(h, disk, dpath, MAX_PATH);
            wcscpy(full, folder);
            append_part(full, KMD_PATH_MAX, dpath);
            append_part(full, KMD_PATH_MAX, sub);
            append_part(full, KMD_PATH_MAX, file);
            if (GetFileAttributesW(full) == INVALID_FILE_ATTRIBUTES)
                return out_fail(KMDCTL_EXIT_NOT_FOUND, ERROR_FILE_NOT_FOUND,
                                "the package of '%s' is incomplete: %s (listed in [%s]) is not "
                                "at %s",
                                u8(inf->path), u8(file), u8(sections[i]), u8(full));
        } while (SetupFindNextLine(&ctx, &ctx));
    }
    return 0;
}

int pnp_inf_load(const wchar_t *path, struct pnp_inf *inf)
{
    DWORD attr = GetFileAttributesW(path), err;
    UINT line = 0;
    HINF h;

    memset(inf, 0, sizeof *inf);
    if (attr == INVALID_FILE_ATTRIBUTES) {
        err = GetLastError();
        return out_fail(-1, err, "INF file '%s' not found", u8(path));
    }
    if (attr & FILE_ATTRIBUTE_DIRECTORY)
        return out_usage(ERROR_DIRECTORY, "INF path '%s' is a folder", u8(path));
    err = kmd_full_path(path, inf->path, KMD_PATH_MAX);
    if (err)
        return out_fail(-1, err, "cannot make '%s' an absolute path", u8(path));
    h = SetupOpenInfFileW(inf->path, NULL, INF_STYLE_WIN4, &line);
    if (h == INVALID_HANDLE_VALUE) {
        err = GetLastError();
        return out_usage(err,
                         "'%s' is not a Windows INF file (SetupOpenInfFile: error 0x%08lX at "
                         "line %u)",
                         u8(path), (unsigned long)err, line);
    }
    read_manufacturers(h, inf);
    SetupCloseInfFile(h);
    if (!SetupDiGetINFClassW(inf->path, &inf->class_guid, inf->class_name,
                             sizeof inf->class_name / sizeof *inf->class_name, NULL) ||
        inf->class_name[0] == L'\0') {
        err = GetLastError();
        return out_usage(err ? err : ERROR_INVALID_DATA,
                         "'%s' is not a device INF: its [Version] has no Class", u8(path));
    }
    return 0;
}

int pnp_inf_check_package(const struct pnp_inf *inf)
{
    UINT line = 0;
    HINF h = SetupOpenInfFileW(inf->path, NULL, INF_STYLE_WIN4, &line);
    int rc;

    if (h == INVALID_HANDLE_VALUE)
        return out_fail(-1, GetLastError(), "cannot read '%s'", u8(inf->path));
    rc = check_package_files(h, inf);
    SetupCloseInfFile(h);
    return rc;
}

/* One value of [Version], strings substituted; fields from `first` on, joined with ','. */
static void version_value(HINF h, const wchar_t *key, wchar_t *buf, size_t size)
{
    INFCONTEXT ctx;
    size_t used = 0;

    buf[0] = L'\0';
    if (!SetupFindFirstLineW(h, L"Version", key, &ctx))
        return;
    for (DWORD f = 1, n = SetupGetFieldCount(&ctx); f <= n && used + 2 < size; f++) {
        if (f > 1)
            buf[used++] = L',';
        if (!SetupGetStringFieldW(&ctx, f, buf + used, (DWORD)(size - used), NULL))
            buf[used] = L'\0';
        used += wcslen(buf + used);
    }
}

DWORD pnp_inf_read_version(const wchar_t *path, struct pnp_inf_version *v)
{
    unsigned char info_buf[4096];
    SP_INF_INFORMATION *info = (SP_INF_INFORMATION *)info_buf;
    SP_ORIGINAL_FILE_INFO_W orig;
    UINT line = 0;
    HINF h = SetupOpenInfFileW(path, NULL, INF_STYLE_WIN4, &line);

    memset(v, 0, sizeof *v);
    memset(&orig, 0, sizeof orig);
    orig.cbSize = sizeof orig;
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    version_value(h, L"Provider", v->provider, sizeof v->provider / sizeof *v->provider);
    version_value(h, L"Class", v->class_name, sizeof v->class_name / sizeof *v->class_name);
    version_value(h, L"DriverVer", v->driver_ver, sizeof v->driver_ver / sizeof *v->driver_ver);
    SetupCloseInfFile(h);
    /* The name it was published from, which Windows keeps with the published copy. */
    if (SetupGetInfInformationW(path, INFINFO_INF_NAME_IS_ABSOLUTE, info, sizeof info_buf, NULL) &&
        SetupQueryInfOriginalFileInformationW(info, 0, NULL, &orig)) {
        const wchar_t *name = orig.OriginalInfName, *self = path;
        for (const wchar_t *p = name; *p; p++)
            if (*p == L'\\' || *p == L'/')
                name = p + 1;
        for (const wchar_t *p = path; *p; p++)
            if (*p == L'\\' || *p == L'/')
                self = p + 1;
        /* Its own name back says nothing (Wine 8 answers so): unknown then. */
        if (_wcsicmp(name, self) != 0)
            wcsncpy(v->original, name, MAX_PATH - 1);
    }
    return ERROR_SUCCESS;
}
