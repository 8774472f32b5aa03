/* install.c - what Windows does with a PnP driver INF for one architecture, rule by rule:
 * [Manufacturer] -> models sections -> DDInstall sections -> CopyFiles (SourceDisksFiles,
 * SourceDisksNames, DestinationDirs) -> DDInstall.Services -> AddService -> ServiceBinary. */
#include "rules_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const kinf_section **v;
    size_t n, cap;
    unsigned char *seen; /* by section index */
} secvec;

static void vec_add(kinf_ctx *c, secvec *s, const kinf_section *x)
{
    size_t idx = (size_t)(x - c->inf->sec);
    if (s->seen[idx])
        return;
    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 8;
        const kinf_section **nv = realloc(s->v, ncap * sizeof *nv);
        if (!nv) {
            c->oom = 1;
            return;
        }
        s->v = nv;
        s->cap = ncap;
    }
    s->seen[idx] = 1;
    s->v[s->n++] = x;
}

static int vec_init(kinf_ctx *c, secvec *s)
{
    memset(s, 0, sizeof *s);
    s->seen = calloc(c->inf->nsec ? c->inf->nsec : 1, 1);
    if (!s->seen)
        c->oom = 1;
    return s->seen ? 0 : -1;
}

static void vec_free(secvec *s)
{
    free(s->v);
    free(s->seen);
}

static char *dup(kinf_ctx *c, const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (!d) {
        c->oom = 1;
        return NULL;
    }
    memcpy(d, s, n + 1);
    return d;
}

static const char *dirid_name(long d)
{
    switch (d) {
    case 1:
        return "the source folder";
    case 10:
        return "the Windows folder";
    case 11:
        return "System32";
    case 12:
        return "System32\\drivers";
    case 13:
        return "the driver store";
    case 17:
        return "the INF folder";
    case 18:
        return "the Help folder";
    case 20:
        return "the Fonts folder";
    case 24:
        return "the root of the system disk";
    case 30:
        return "the root of the boot disk";
    case 50:
        return "System";
    case 51:
        return "the spool folder";
    case 52:
        return "the spool drivers folder";
    case 53:
        return "the user profile";
    case 54:
        return "the boot partition";
    case 55:
        return "the print processors folder";
    case -1:
        return "an absolute path";
    case 16422:
        return "Program Files";
    default:
        return "a DIRID this tool does not know";
    }
}

/* Normalize a package path: '\' or '/' separated, no '..', no drive; joined with '/'. Returns 0
 * (OUT filled, "" for the INF's own folder) or -1. */
static int norm_path(const char *a, const char *b, char *out, size_t outlen)
{
    size_t k = 0;
    out[0] = 0;
    const char *parts[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        for (const char *p = parts[i]; *p;) {
            while (*p == '\\' || *p == '/')
                p++;
            const char *q = p;
            while (*q && *q != '\\' && *q != '/')
                q++;
            size_t n = (size_t)(q - p);
            if (n == 2 && p[0] == '.' && p[1] == '.')
                return -1;
            if (memchr(p, ':', n))
                return -1;
            if (n && !(n == 1 && p[0] == '.')) {
                if (k + n + 2 > outlen)
                    return -1;
                if (k)
                    out[k++] = '/';
                memcpy(out + k, p, n);
                k += n;
                out[k] = 0;
            }
            p = q;
        }
    }
    return 0;
}

/* ---- [Manufacturer] and models -------------------------------------------------------------- */

static const char *const known_arch[] = {"x86", "ia64", "amd64", "arm", "arm64"};

static int has_default_install(const kinf_file *inf)
{
    for (size_t i = 0; i < inf->nsec; i++) {
        const char *n = inf->sec[i].name;
        if (kinf_streq(n, "DefaultInstall") || kinf_strneq(n, "DefaultInstall.", 15))
            return 1;
    }
    return 0;
}

/* The models sections Windows may use on the architecture, added to MODELS. */
static void walk_manufacturer(kinf_ctx *c, secvec *models)
{
    const kinf_file *inf = c->inf;
    const kinf_section *m = kinf_find(inf, "Manufacturer");
    const char *plat = kinf_arch_platform(c->arch);
    if (!m || !m->n) {
        kinf_add(c, KINF_R_MANUFACTURER, m ? m->line : 0,
                 "%s: a PnP driver INF lists its devices in [Manufacturer] and its models "
                 "sections%s",
                 m ? "[Manufacturer] is empty" : "no [Manufacturer] section",
                 has_default_install(inf) ? "; with [DefaultInstall] this is a legacy or "
                                            "primitive INF, not a PnP driver package"
                                          : "");
        return;
    }
    for (size_t i = 0; i < m->n && !c->oom; i++) {
        const kinf_entry *e = &m->e[i];
        const char *base = kinf_field_at(e, 0);
        if (!*base) {
            kinf_add(c, KINF_R_MANUFACTURER, e->line,
                     "this [Manufacturer] entry names no models section (%%Mfg%% = "
                     "models-section, NT%s)",
                     plat);
            continue;
        }
        kinf_check_line_len(c, e->line, "the manufacturer name", e->key ? e->key : base);
        size_t ndec = 0, n_arch = 0, n_archless = 0, n_unstamped = 0;
        const kinf_section *for_arch[8], *archless[8];
        for (size_t k = 1; e->key && k < e->nf; k++) {
            const char *d = e->f[k].s;
            if (!*d)
                continue;
            ndec++;
            if (strchr(d, '$')) {
                n_unstamped++; /* an unstamped $ARCH$: KINF007 says so */
                continue;
            }
            if (!kinf_strneq(d, "nt", 2)) {
                kinf_add(c, KINF_R_MODELS_ARCH, e->line,
                         "'%s' is not a TargetOSVersion decoration: "
                         "nt[architecture][.major[.minor[.product[.suite[.build]]]]]",
                         d);
                continue;
            }
            const char *dot = strchr(d + 2, '.');
            size_t alen = dot ? (size_t)(dot - d - 2) : strlen(d + 2);
            int known = alen == 0;
            for (size_t a = 0; !known && a < sizeof known_arch / sizeof *known_arch; a++)
                known = strlen(known_arch[a]) == alen && kinf_strneq(d + 2, known_arch[a], alen);
            if (!known) {
                kinf_add(c, KINF_R_MODELS_ARCH, e->line,
                         "TargetOSVersion '%s' names the architecture '%.*s', which Windows does "
                         "not know: x64 is NTamd64; the others are NTx86, NTarm64, NTarm, NTia64",
                         d, (int)alen, d + 2);
                continue;
            }
            const kinf_section *s = kinf_find2(inf, base, d);
            if (!s)
                kinf_add(c, KINF_R_MODELS_SECTION, e->line,
                         "models section [%s.%s], named by [Manufacturer], does not exist", base,
                         d);
            int mine = alen && alen == strlen(plat) && kinf_strneq(d + 2, plat, alen);
            if (mine && n_arch < 8)
                for_arch[n_arch++] = s;
            else if (!alen && n_archless < 8)
                archless[n_archless++] = s;
        }
        if (ndec == 0 || (n_archless && ndec == n_archless))
            kinf_add(c, KINF_R_MODELS_UNDECORATED, e->line,
                     "models section %s has no architecture decoration (InfVerif 2223): Windows "
                     "uses it on x86 only; write %s = %s, NTamd64 (and NTx86 for x86)",
                     base, e->key ? e->key : base, base);
        if (n_arch) {
            for (size_t k = 0; k < n_arch; k++) {
                if (for_arch[k])
                    vec_add(c, models, for_arch[k]);
            }
        } else if (c->arch == KINF_ARCH_X86 && n_archless) {
            for (size_t k = 0; k < n_archless; k++) {
                if (archless[k])
                    vec_add(c, models, archless[k]);
            }
        } else if (c->arch == KINF_ARCH_X86 && ndec == 0) {
            const kinf_section *s = kinf_find(inf, base);
            if (s)
                vec_add(c, models, s);
            else
                kinf_add(c, KINF_R_MODELS_SECTION, e->line,
                         "models section [%s], named by [Manufacturer], does not exist", base);
        } else if (!n_unstamped) {
            kinf_add(c, KINF_R_MODELS_ARCH, e->line,
                     "the [Manufacturer] entry for models section %s has no NT%s decoration: on "
                     "%s Windows finds no models section and installs nothing",
                     base, plat, kinf_arch_name(c->arch));
        }
    }
}

/* Record ID (a model's hardware or compatible ID) in the package, once. */
static void add_hwid(kinf_ctx *c, const char *id)
{
    kinf_package *p = c->pkg;
    if (!*id)
        return;
    for (size_t i = 0; i < p->nhwids; i++)
        if (kinf_streq(p->hwids[i], id))
            return;
    size_t n = strlen(id) + 1;
    char **v = realloc(p->hwids, (p->nhwids + 1) * sizeof *v);
    char *copy = malloc(n);
    if (copy)
        memcpy(copy, id, n);
    if (!v || !copy) {
        free(copy);
        if (v)
            p->hwids = v;
        c->oom = 1;
        return;
    }
    p->hwids = v;
    p->hwids[p->nhwids++] = copy;
}

/* The DDInstall sections of the models, added to INSTALLS. */
static void walk_models(kinf_ctx *c, const secvec *models, secvec *installs)
{
    const kinf_file *inf = c->inf;
    char ntplat[16];
    snprintf(ntplat, sizeof ntplat, "NT%s", kinf_arch_platform(c->arch));
    size_t total = 0;
    for (size_t i = 0; i < models->n; i++)
        total += models->v[i]->n;
    if (models->n && !total)
        kinf_add(c, KINF_R_MODELS_SECTION, models->v[0]->line,
                 "models section [%s] lists no device: nothing installs on %s", models->v[0]->name,
                 kinf_arch_name(c->arch));
    for (size_t i = 0; i < models->n && !c->oom; i++) {
        const kinf_section *ms = models->v[i];
        for (size_t j = 0; j < ms->n && !c->oom; j++) {
            const kinf_entry *e = &ms->e[j];
            const char *inst = kinf_field_at(e, 0), *hwid = kinf_field_at(e, 1);
            if (!e->key) {
                kinf_add(c, KINF_R_INSTALL_SECTION, e->line,
                         "model line in [%s] without a device description: write "
                         "%%Desc%% = install-section, hardware-id",
                         ms->name);
                continue;
            }
            kinf_check_line_len(c, e->line, "the device description", e->key);
            if (!*inst) {
                kinf_add(c, KINF_R_INSTALL_SECTION, e->line,
                         "model %s in [%s] names no install section", e->key, ms->name);
                continue;
            }
            if (!*hwid)
                kinf_add(c, KINF_R_INSTALL_SECTION, e->line,
                         "model %s in [%s] has no hardware ID: write %s = %s, <hardware-id>",
                         e->key, ms->name, e->key, inst);
            for (size_t k = 1; k < e->nf && !c->oom; k++)
                add_hwid(c, kinf_val(c, e, k, 0));
            const kinf_section *s = kinf_find2(inf, inst, ntplat);
            if (!s)
                s = kinf_find2(inf, inst, "NT");
            if (!s)
                s = kinf_find(inf, inst);
            if (!s)
                kinf_add(c, KINF_R_INSTALL_SECTION, e->line,
                         "install section of model %s does not exist: Windows looks for "
                         "[%s.%s], [%s.NT] and [%s]",
                         e->key, inst, ntplat, inst, inst);
            else
                vec_add(c, installs, s);
        }
    }
}

/* ---- CopyFiles, DestinationDirs, SourceDisks ------------------------------------------------ */

typedef struct {
    int found; /* 0: no destination; 1: DIRID and SUBDIR set; -1: a bad entry (reported) */
    long dirid;
    const char *subdir;
} dest_t;

typedef struct {
    secvec filelists;
    unsigned char *dest_seen; /* by [DestinationDirs] entry index */
    kinf_set copied;
} files_t;

static void check_dest(kinf_ctx *c, const kinf_entry *e, long dirid, const char *sub)
{
    if (dirid == 13)
        return;
    if (dirid == 11 || dirid == 12 || (dirid == 10 && *sub))
        kinf_add(c, KINF_R_DIRID_STORE, e->line,
                 "%s copies to DIRID %ld%s%s (%s): prefer 13, the driver store, where the driver "
                 "runs from its package (and ServiceBinary = %%13%%\\file)",
                 e->key, dirid, *sub ? "," : "", sub, dirid_name(dirid));
    else
        kinf_add(c, KINF_R_DEST_DIR, e->line,
                 "%s copies to DIRID %ld%s%s (%s), which a driver package may not use: copy to 13 "
                 "(the driver store), or 12, 11 or 10,subdir",
                 e->key, dirid, *sub ? "," : "", sub, dirid_name(dirid));
}

static dest_t dest_for(kinf_ctx *c, files_t *fl, const char *section)
{
    dest_t d = {0, 0, ""};
    const kinf_section *dd = kinf_find(c->inf, "DestinationDirs");
    const kinf_entry *e = section ? kinf_get(dd, section) : NULL;
    if (!e)
        e = kinf_get(dd, "DefaultDestDir");
    if (!e)
        return d;
    const char *v = kinf_field_at(e, 0);
    d.subdir = kinf_field_at(e, 1);
    int first = !fl->dest_seen[e - dd->e];
    fl->dest_seen[e - dd->e] = 1;
    if (kinf_number(v, &d.dirid)) {
        if (first)
            kinf_add(c, KINF_R_DEST_DIR, e->line,
                     "%s has DIRID '%.40s', not a number (see Using Dirids: 13 is the driver "
                     "store)",
                     e->key, v);
        d.found = -1;
        return d;
    }
    if (first)
        check_dest(c, e, d.dirid, d.subdir);
    d.found = 1;
    return d;
}

static void add_copy(kinf_ctx *c, files_t *fl, const char *name, const char *src, dest_t d,
                     const char *section, int line)
{
    char key[600];
    snprintf(key, sizeof key, "%.256s|%ld|%.256s", name, d.found == 1 ? d.dirid : 0, d.subdir);
    int r = kinf_set_add(&fl->copied, key);
    if (r <= 0) {
        if (r < 0)
            c->oom = 1;
        return;
    }
    kinf_package *p = c->pkg;
    if (p->n == p->cap) {
        size_t ncap = p->cap ? p->cap * 2 : 8;
        kinf_copy *ni = realloc(p->items, ncap * sizeof *ni);
        if (!ni) {
            c->oom = 1;
            return;
        }
        p->items = ni;
        p->cap = ncap;
    }
    kinf_copy *x = &p->items[p->n++];
    memset(x, 0, sizeof *x);
    x->name = dup(c, name);
    x->srcname = dup(c, src);
    x->subdir = dup(c, d.found == 1 ? d.subdir : "");
    x->section = dup(c, section);
    x->dirid = d.found == 1 ? (int)d.dirid : 0;
    x->line = line;
}

static void file_list(kinf_ctx *c, files_t *fl, const kinf_section *inst, const kinf_entry *e,
                      const char *name)
{
    const kinf_section *s = kinf_find(c->inf, name);
    if (!s) {
        kinf_add(c, KINF_R_COPY_FILES, e->line,
                 "CopyFiles in [%s] names [%s], which does not exist (InfVerif 1203; a single "
                 "file is written CopyFiles = @file)",
                 inst->name, name);
        return;
    }
    if (fl->filelists.seen[s - c->inf->sec])
        return;
    vec_add(c, &fl->filelists, s);
    dest_t d = dest_for(c, fl, s->name);
    if (!d.found)
        kinf_add(c, KINF_R_COPY_FILES, e->line,
                 "[%s] (CopyFiles in [%s]) has no entry in [DestinationDirs] and there is no "
                 "DefaultDestDir: Windows does not know where to copy its files",
                 s->name, inst->name);
    for (size_t i = 0; i < s->n && !c->oom; i++) {
        const kinf_entry *f = &s->e[i];
        const char *to = kinf_field_at(f, 0), *from = kinf_field_at(f, 1);
        if (f->key) {
            kinf_add(c, KINF_R_COPY_FILES, f->line,
                     "'%s = ...' in file list [%s] is not a file line "
                     "(destination-file[,source-file[,,flags]])",
                     f->key, s->name);
            continue;
        }
        if (!*to) {
            kinf_add(c, KINF_R_COPY_FILES, f->line, "empty file name in file list [%s]", s->name);
            continue;
        }
        if (!*from)
            from = to;
        if (d.found == 1 && d.dirid == 13 && !kinf_streq(from, to))
            kinf_add(c, KINF_R_COPY_FILES, f->line,
                     "[%s] renames %s to %s in a DIRID 13 destination (InfVerif 1100): the "
                     "driver store keeps the package's file names",
                     s->name, from, to);
        add_copy(c, fl, to, from, d, s->name, f->line);
    }
}

static void walk_copyfiles(kinf_ctx *c, files_t *fl, const kinf_section *s)
{
    for (size_t i = 0; i < s->n && !c->oom; i++) {
        const kinf_entry *e = &s->e[i];
        if (!e->key)
            continue;
        if (kinf_streq(e->key, "DriverVer"))
            kinf_check_driverver(c, e, s->name);
        if (kinf_streq(e->key, "AddService"))
            kinf_add(c, KINF_R_ADD_SERVICE, e->line,
                     "AddService in [%s]: it belongs in [%s.Services], where Windows looks for it",
                     s->name, s->name);
        if (!kinf_streq(e->key, "CopyFiles"))
            continue;
        for (size_t k = 0; k < e->nf; k++) {
            const char *v = e->f[k].s;
            if (!*v)
                continue;
            if (*v != '@') {
                file_list(c, fl, s, e, v);
                continue;
            }
            dest_t d = dest_for(c, fl, NULL);
            if (!d.found)
                kinf_add(c, KINF_R_COPY_FILES, e->line,
                         "CopyFiles = %s in [%s] copies a single file, which needs a "
                         "DefaultDestDir in [DestinationDirs]",
                         v, s->name);
            add_copy(c, fl, v + 1, v + 1, d, "@", e->line);
        }
    }
}

static void source_disks(kinf_ctx *c)
{
    const kinf_file *inf = c->inf;
    const char *plat = kinf_arch_platform(c->arch);
    const kinf_section *sfa = kinf_find2(inf, "SourceDisksFiles", plat);
    const kinf_section *sf = kinf_find(inf, "SourceDisksFiles");
    const kinf_section *sna = kinf_find2(inf, "SourceDisksNames", plat);
    const kinf_section *sn = kinf_find(inf, "SourceDisksNames");
    kinf_package *p = c->pkg;
    if (p->n && !sfa && !sf) {
        kinf_add(c, KINF_R_SOURCE_DISKS, 0,
                 "no [SourceDisksFiles] section, but the INF copies files: Windows does not put "
                 "the package into the driver store");
        return;
    }
    for (size_t i = 0; i < p->n && !c->oom; i++) {
        kinf_copy *x = &p->items[i];
        const kinf_entry *e = kinf_get(sfa, x->srcname);
        if (!e)
            e = kinf_get(sf, x->srcname);
        if (!e) {
            kinf_add(c, KINF_R_SOURCE_DISKS, x->line,
                     "%s, copied by [%s], is not in [SourceDisksFiles] or "
                     "[SourceDisksFiles.%s] (InfVerif 1230): Windows cannot find it in the "
                     "package",
                     x->srcname, x->section, plat);
            continue;
        }
        const char *disk = kinf_field_at(e, 0);
        if (!*disk) {
            kinf_add(c, KINF_R_SOURCE_DISKS, e->line, "%s = ... names no disk (file = diskid)",
                     e->key);
            continue;
        }
        const kinf_entry *d = kinf_get(sna, disk);
        if (!d)
            d = kinf_get(sn, disk);
        if (!d) {
            kinf_add(c, KINF_R_SOURCE_DISKS, e->line,
                     "%s is on disk %s, which [SourceDisksNames]%s does not list", e->key, disk,
                     sna ? " (nor the decorated one)" : "");
            continue;
        }
        char dir[512], path[1024];
        if (norm_path(kinf_field_at(d, 3), kinf_field_at(e, 1), dir, sizeof dir) ||
            norm_path(dir, x->srcname, path, sizeof path)) {
            kinf_add(c, KINF_R_SOURCE_DISKS, e->line,
                     "the package path of %s ('%s' of disk %s, then '%s') leaves the package "
                     "folder",
                     x->srcname, kinf_field_at(d, 3), disk, kinf_field_at(e, 1));
            continue;
        }
        x->source = dup(c, path);
        char sub[512];
        if (x->dirid == 13 && (norm_path(x->subdir, "", sub, sizeof sub) || !kinf_streq(sub, dir)))
            kinf_add(c, KINF_R_COPY_FILES, x->line,
                     "%s is in the package folder '%s' but DIRID 13 puts it in '%s' (InfVerif "
                     "1100): the driver store keeps the package's folders",
                     x->name, dir, x->subdir);
    }
}

/* ---- services ------------------------------------------------------------------------------- */

/* The copies by target file name: NAMES (case-insensitive) -> HEAD -> NEXT -> ... */
typedef struct {
    kinf_set names;
    size_t *head, *next; /* copy index + 1, 0 ends a list */
} copy_index;

static int index_copies(kinf_ctx *c, copy_index *ix)
{
    const kinf_package *p = c->pkg;
    memset(ix, 0, sizeof *ix);
    ix->head = calloc(p->n + 1, sizeof *ix->head);
    ix->next = calloc(p->n + 1, sizeof *ix->next);
    if (!ix->head || !ix->next) {
        c->oom = 1;
        return -1;
    }
    for (size_t i = p->n; i-- > 0;) { /* backwards, so that each list is in file order */
        if (kinf_set_add(&ix->names, p->items[i].name) < 0) {
            c->oom = 1;
            return -1;
        }
        size_t k = kinf_set_index(&ix->names, p->items[i].name) - 1;
        ix->next[i] = ix->head[k];
        ix->head[k] = i + 1;
    }
    return 0;
}

static void free_index(copy_index *ix)
{
    kinf_set_free(&ix->names);
    free(ix->head);
    free(ix->next);
}

static void check_binary(kinf_ctx *c, const copy_index *ix, const kinf_section *sis,
                         const kinf_entry *e, const char *bin)
{
    const char *p = bin;
    long dirid = 0;
    int digits = 0;
    if (*p == '%') {
        for (p++; *p >= '0' && *p <= '9' && digits < 9; p++, digits++)
            dirid = dirid * 10 + (*p - '0');
    }
    if (bin[0] != '%' || !digits || p[0] != '%' || p[1] != '\\' || !p[2]) {
        kinf_add(c, KINF_R_SERVICE_BINARY, e->line,
                 "ServiceBinary '%.80s' in [%s] is not %%DIRID%%\\file (e.g. %%13%%\\driver.sys): "
                 "the path must be where CopyFiles puts the file",
                 bin, sis->name);
        return;
    }
    const char *path = p + 2, *slash = strrchr(path, '\\');
    const char *file = slash ? slash + 1 : path;
    char sub[512] = "", want[512];
    if (slash)
        snprintf(sub, sizeof sub, "%.*s", (int)(slash - path), path);
    if (norm_path(sub, "", want, sizeof want))
        want[0] = 0;
    const kinf_copy *other = NULL;
    size_t k = kinf_set_index(&ix->names, file);
    for (size_t i = k ? ix->head[k - 1] : 0; i; i = ix->next[i - 1]) {
        const kinf_copy *x = &c->pkg->items[i - 1];
        char have[512];
        if (x->dirid == 0) /* its destination is unknown (reported): do not guess */
            return;
        if (x->dirid == dirid && !norm_path(x->subdir, "", have, sizeof have) &&
            kinf_streq(have, want))
            return;
        other = x;
    }
    if (other)
        kinf_add(c, KINF_R_SERVICE_BINARY, e->line,
                 "ServiceBinary is %s, but [%s] (line %d) copies %s to %%%d%%%s%s: the service "
                 "would start a file that is not there",
                 bin, other->section, other->line, other->name, other->dirid,
                 *other->subdir ? "\\" : "", other->subdir);
    else
        kinf_add(c, KINF_R_SERVICE_BINARY, e->line,
                 "ServiceBinary %s names %s, which no CopyFiles of the %s install copies", bin,
                 file, kinf_arch_name(c->arch));
}

static int ends_with_sys(const char *s)
{
    size_t n = strlen(s);
    return n >= 4 && kinf_streq(s + n - 4, ".sys");
}

/* A numeric service value: -1 when absent or bad (reported), else the number. */
static long service_number(kinf_ctx *c, const kinf_section *sis, const char *key)
{
    const kinf_entry *e = kinf_get(sis, key);
    long v;
    if (!e) {
        kinf_add(c, KINF_R_ADD_SERVICE, sis->line,
                 "[%s] has no %s: a service-install section needs ServiceType, StartType, "
                 "ErrorControl and ServiceBinary",
                 sis->name, key);
        return -1;
    }
    const char *s = kinf_val(c, e, 0, 0);
    if (kinf_number(s, &v) || v < 0) {
        kinf_add(c, KINF_R_ADD_SERVICE, e->line, "%s '%.40s' in [%s] is not a number", key, s,
                 sis->name);
        return -1;
    }
    return v;
}

static void check_service(kinf_ctx *c, const copy_index *ix, const kinf_section *sis)
{
    kinf_dup_keys_of(c, sis);
    const kinf_entry *be = kinf_get(sis, "ServiceBinary");
    char bin[600];
    snprintf(bin, sizeof bin, "%s", kinf_val(c, be, 0, 0));
    long type = service_number(c, sis, "ServiceType");
    long start = service_number(c, sis, "StartType");
    long ec = service_number(c, sis, "ErrorControl");
    if (type >= 0 && ends_with_sys(bin) && type != 1 && type != 2)
        kinf_add(c, KINF_R_ADD_SERVICE, kinf_get(sis, "ServiceType")->line,
                 "ServiceType %ld in [%s] for %s: a kernel-mode driver is 1 "
                 "(SERVICE_KERNEL_DRIVER)",
                 type, sis->name, bin);
    if (start == 4)
        kinf_add(c, KINF_R_ADD_SERVICE, kinf_get(sis, "StartType")->line,
                 "StartType 4 (SERVICE_DISABLED) in [%s]: a device cannot be installed with it",
                 sis->name);
    else if (start > 4)
        kinf_add(c, KINF_R_ADD_SERVICE, kinf_get(sis, "StartType")->line,
                 "StartType %ld in [%s] is not 0-4", start, sis->name);
    else if (start == 2)
        kinf_add(c, KINF_R_SERVICE_PNP, kinf_get(sis, "StartType")->line,
                 "StartType 2 (SERVICE_AUTO_START) in [%s]: never for PnP drivers; 3 "
                 "(SERVICE_DEMAND_START) lets the PnP manager load it with its device",
                 sis->name);
    if (ec > 3)
        kinf_add(c, KINF_R_ADD_SERVICE, kinf_get(sis, "ErrorControl")->line,
                 "ErrorControl %ld in [%s] is not 0-3", ec, sis->name);
    if (!be)
        kinf_add(c, KINF_R_ADD_SERVICE, sis->line,
                 "[%s] has no ServiceBinary: a service-install section needs ServiceType, "
                 "StartType, ErrorControl and ServiceBinary",
                 sis->name);
    else
        check_binary(c, ix, sis, be, bin);
}

static void walk_services(kinf_ctx *c, const secvec *installs)
{
    const kinf_file *inf = c->inf;
    secvec sis;
    copy_index ix;
    if (index_copies(c, &ix) || vec_init(c, &sis)) {
        free_index(&ix);
        return;
    }
    for (size_t i = 0; i < installs->n && !c->oom; i++) {
        const kinf_section *s = installs->v[i];
        const kinf_section *svc = kinf_find2(inf, s->name, "Services");
        if (!svc) {
            kinf_add(c, KINF_R_SERVICES, s->line,
                     "install section [%s] has no [%s.Services] section (InfVerif 1296): the "
                     "device needs one, with AddService = name, 0x2, section for its driver",
                     s->name, s->name);
            continue;
        }
        int needs = kinf_get(svc, "Needs") != NULL, assoc = 0;
        for (size_t j = 0; j < svc->n && !c->oom; j++) {
            const kinf_entry *e = &svc->e[j];
            if (!e->key || !kinf_streq(e->key, "AddService"))
                continue;
            char name[256];
            snprintf(name, sizeof name, "%s", kinf_val(c, e, 0, 0));
            const char *fs = kinf_field_at(e, 1), *sec = kinf_field_at(e, 2);
            long flags = 0;
            if (*fs && kinf_number(fs, &flags)) {
                kinf_add(c, KINF_R_ADD_SERVICE, e->line,
                         "AddService flags '%.40s' in [%s] is not a number", fs, svc->name);
                flags = 0;
            }
            if (!*name) {
                if ((flags & 2) && !*sec) {
                    assoc++; /* AddService = ,2: the device needs no driver */
                    continue;
                }
                kinf_add(c, KINF_R_ADD_SERVICE, e->line,
                         "AddService in [%s] without a service name", svc->name);
                continue;
            }
            if (flags & 2)
                assoc++;
            if ((flags & 2) && (flags & 0x800))
                kinf_add(c, KINF_R_ADD_SERVICE, e->line,
                         "AddService %s sets 0x800 (SPSVCSINST_STARTSERVICE) on the function "
                         "driver: that flag cannot start a PnP driver, the PnP manager does",
                         name);
            if (flags & 0xc1)
                kinf_add(c, KINF_R_SERVICE_PNP, e->line,
                         "AddService %s sets flags 0x%lx: 0x1 (TAGTOFRONT), 0x40 and 0x80 "
                         "(NOCLOBBER_LOADORDERGROUP/DEPENDENCIES) are documented as not for PnP "
                         "INFs",
                         name, flags & 0xc1);
            if (!*sec) {
                kinf_add(c, KINF_R_ADD_SERVICE, e->line,
                         "AddService %s in [%s] names no service-install section", name, svc->name);
                continue;
            }
            const kinf_section *si = kinf_find(inf, sec);
            if (!si) {
                kinf_add(c, KINF_R_ADD_SERVICE, e->line,
                         "AddService %s names service-install section [%s], which does not exist",
                         name, sec);
                continue;
            }
            if (!sis.seen[si - inf->sec]) {
                vec_add(c, &sis, si);
                check_service(c, &ix, si);
            }
        }
        if (!needs && assoc == 0)
            kinf_add(c, KINF_R_SERVICES, svc->line,
                     "no AddService in [%s] has flag 0x2 (SPSVCINST_ASSOCSERVICE): the device "
                     "gets no function driver (a device that needs none: AddService = ,2)",
                     svc->name);
        else if (assoc > 1)
            kinf_add(c, KINF_R_SERVICES, svc->line,
                     "%d AddService entries in [%s] have flag 0x2: a device has exactly one "
                     "function driver",
                     assoc, svc->name);
    }
    vec_free(&sis);
    free_index(&ix);
}

void kinf_check_install(kinf_ctx *c)
{
    secvec models, installs;
    files_t fl;
    memset(&fl, 0, sizeof fl);
    if (vec_init(c, &models))
        return;
    if (vec_init(c, &installs) || vec_init(c, &fl.filelists)) {
        vec_free(&models);
        vec_free(&installs);
        return;
    }
    const kinf_section *dd = kinf_find(c->inf, "DestinationDirs");
    fl.dest_seen = calloc(dd && dd->n ? dd->n : 1, 1);
    if (!fl.dest_seen)
        c->oom = 1;
    if (!c->oom)
        walk_manufacturer(c, &models);
    if (!c->oom)
        walk_models(c, &models, &installs);
    for (size_t i = 0; i < installs.n && !c->oom; i++)
        walk_copyfiles(c, &fl, installs.v[i]);
    if (!c->oom)
        source_disks(c);
    if (!c->oom)
        walk_services(c, &installs);
    vec_free(&models);
    vec_free(&installs);
    vec_free(&fl.filelists);
    free(fl.dest_seen);
    kinf_set_free(&fl.copied);
}
