#!/usr/bin/python3
"""Cross-check `kmdpe info --json` and `kmdpe check --json` against python3-pefile.

usage: crosscheck.py KMDPE_BINARY FILE.sys

Compares machine, subsystem, stored and computed checksum, the section list
(names, virtual addresses, sizes, raw offsets, characteristics), the import
list (DLL names, delay-load flag, function names / ordinals), the debug
directory (type, size, address, file offset of every entry), the CET mark (the
EX_DLLCHARACTERISTICS payload, which pefile does not decode: read here from the
entry's PointerToRawData, where kmdpe reads it at AddressOfRawData) and the x64
exception directory (every RUNTIME_FUNCTION). Then it decides the layout rules
KPE018-KPE022, KPE024 and KPE025 again from pefile's parse, independently of
kmdpe's code, and compares that verdict (which of them fire) with the rule ids
`kmdpe check --json` reports. (KPE023, a heuristic over code bytes, is not
re-implemented here.) Prints every mismatch and exits 1 if there is any;
prints a one-line summary and exits 0 when everything agrees. Exit 2 on usage
errors or if a tool fails to run. Run it with /usr/bin/python3 (Debian's
python3-pefile).
"""
import json
import struct
import subprocess
import sys

try:
    import pefile
except ImportError:  # pragma: no cover
    sys.stderr.write("crosscheck.py: python3-pefile is required (run with /usr/bin/python3)\n")
    sys.exit(2)


def latin1(b):
    return b.decode("latin-1") if isinstance(b, bytes) else b


# Rules decided again below from pefile's parse.
CROSS_RULES = ("KPE018", "KPE019", "KPE020", "KPE021", "KPE022", "KPE024", "KPE025")
AMD64, I386 = 0x8664, 0x14C
EXEC = 0x20000000 | 0x20  # MEM_EXECUTE | CNT_CODE


def align(v, a):
    return (v + a - 1) // a * a


def vlen(s):
    return s.Misc_VirtualSize or s.SizeOfRawData


def section_at(pe, rva):
    for s in pe.sections:
        if s.VirtualAddress <= rva < s.VirtualAddress + vlen(s):
            return s
    return None


def touches_exec(pe, rva, size):
    return any(
        s.Characteristics & EXEC and rva < s.VirtualAddress + vlen(s) and s.VirtualAddress < rva + size
        for s in pe.sections
    )


def verdict(pe):
    """The ids of CROSS_RULES that fire on this image, decided from pefile's parse."""
    fired = set()
    oh, machine = pe.OPTIONAL_HEADER, pe.FILE_HEADER.Machine
    sa = oh.SectionAlignment
    pow2 = sa and not sa & (sa - 1)
    # KPE018: no gap from the aligned end of the headers on, no empty section, exact SizeOfImage.
    if pe.sections and pow2:
        expect, maxend = align(oh.SizeOfHeaders, sa), 0
        for s in pe.sections:
            if vlen(s) == 0 or s.VirtualAddress > expect:
                fired.add("KPE018")
            maxend = max(maxend, s.VirtualAddress + vlen(s))
            expect = max(expect, align(s.VirtualAddress + vlen(s), sa))
        if oh.SizeOfImage != expect and oh.SizeOfImage >= maxend:
            fired.add("KPE018")
    # KPE019: 4 KiB pages (where a SectionAlignment multiple is not already broken: KPE008).
    for s in pe.sections:
        if s.VirtualAddress & 0xFFF and not (pow2 and s.VirtualAddress & (sa - 1)):
            fired.add("KPE019")
    # KPE020: the IAT directory and every thunk array the loader writes, outside executable code.
    dirs = oh.DATA_DIRECTORY
    if len(dirs) > 12 and dirs[12].Size and touches_exec(pe, dirs[12].VirtualAddress, dirs[12].Size):
        fired.add("KPE020")
    esz = 8 if pe.PE_TYPE == pefile.OPTIONAL_HEADER_MAGIC_PE_PLUS else 4
    for e in getattr(pe, "DIRECTORY_ENTRY_IMPORT", []):
        if e.struct.FirstThunk and touches_exec(pe, e.struct.FirstThunk, (len(e.imports) + 1) * esz):
            fired.add("KPE020")
    for e in getattr(pe, "DIRECTORY_ENTRY_DELAY_IMPORT", []):
        iat = e.struct.pIAT if e.struct.grAttrs & 1 else e.struct.pIAT - oh.ImageBase
        if iat and touches_exec(pe, iat, (len(e.imports) + 1) * esz):
            fired.add("KPE020")
    # KPE021: known types, inside a section, not across a page (x64/ARM64: HVCI).
    widths = {3: 4, 10: 8} if machine == AMD64 else {1: 2, 2: 2, 3: 4, 4: 2} if machine == I386 else {3: 4, 10: 8}
    for block in getattr(pe, "DIRECTORY_ENTRY_BASERELOC", []):
        for r in block.entries:
            if r.type == 0:
                continue
            w = widths.get(r.type)
            s = section_at(pe, r.rva)
            across = (r.rva & 0xFFF) + w > 0x1000 and machine in (AMD64, 0xAA64) if w else False
            if not w or across or not s or r.rva + w > s.VirtualAddress + vlen(s):
                fired.add("KPE021")
    # KPE022 (x64): one section; entries non-empty, in one executable section, sorted, disjoint;
    # unwind info of version 1 or 2 with known flags.
    if machine == AMD64 and len(dirs) > 3 and (dirs[3].VirtualAddress or dirs[3].Size):
        d = dirs[3]
        s = section_at(pe, d.VirtualAddress)
        if d.Size < 12 or d.Size % 12 or not s or d.VirtualAddress + d.Size > s.VirtualAddress + vlen(s):
            fired.add("KPE022")
        prev = None
        for e in getattr(pe, "DIRECTORY_ENTRY_EXCEPTION", []):
            b, end = e.struct.BeginAddress, e.struct.EndAddress
            sec = section_at(pe, b)
            if b >= end or not sec or not sec.Characteristics & EXEC or end > sec.VirtualAddress + vlen(sec):
                fired.add("KPE022")
            if prev and (b < prev[0] or b < prev[1]):
                fired.add("KPE022")
            ui = getattr(e, "unwindinfo", None)
            if not e.struct.UnwindData & 1 and (
                ui is None or ui.Version not in (1, 2) or ui.Flags & ~7 or e.struct.UnwindData & 3
            ):
                fired.add("KPE022")
            prev = (b, end)
    # KPE024
    for attr in ("DIRECTORY_ENTRY_IMPORT", "DIRECTORY_ENTRY_DELAY_IMPORT"):
        for e in getattr(pe, attr, []):
            if any(i.import_by_ordinal for i in e.imports):
                fired.add("KPE024")
    # KPE025 (x64)
    if machine == AMD64 and not cet_flags(pe)[1]:
        fired.add("KPE025")
    return fired


def cet_flags(pe):
    """(payload of the first EX_DLLCHARACTERISTICS entry or None, CET_COMPAT set)."""
    for d in getattr(pe, "DIRECTORY_ENTRY_DEBUG", []):
        if d.struct.Type == 20 and d.struct.SizeOfData >= 4:
            raw = pe.__data__[d.struct.PointerToRawData : d.struct.PointerToRawData + 4]
            if len(raw) == 4:
                v = struct.unpack("<I", raw)[0]
                return v, bool(v & 1)
            return None, False
    return None, False


def pefile_view(path):
    pe = pefile.PE(path, fast_load=False)
    oh = pe.OPTIONAL_HEADER
    sections = [
        {
            "name": latin1(s.Name.split(b"\0", 1)[0]),
            "virtual_address": s.VirtualAddress,
            "virtual_size": s.Misc_VirtualSize,
            "raw_offset": s.PointerToRawData,
            "raw_size": s.SizeOfRawData,
            "characteristics": s.Characteristics,
        }
        for s in pe.sections
    ]
    imports = []
    for attr, delay in (("DIRECTORY_ENTRY_IMPORT", False), ("DIRECTORY_ENTRY_DELAY_IMPORT", True)):
        for entry in getattr(pe, attr, []):
            funcs = []
            for imp in entry.imports:
                if imp.import_by_ordinal:
                    funcs.append("#%d" % imp.ordinal)
                else:
                    funcs.append(latin1(imp.name))
            imports.append({"dll": latin1(entry.dll), "delay": delay, "functions": funcs})
    debug = [
        {
            "type": d.struct.Type,
            "size": d.struct.SizeOfData,
            "address": d.struct.AddressOfRawData,
            "pointer": d.struct.PointerToRawData,
        }
        for d in getattr(pe, "DIRECTORY_ENTRY_DEBUG", [])
    ]
    ex_flags, cet = cet_flags(pe)
    view = {
        "machine": pe.FILE_HEADER.Machine,
        "subsystem": oh.Subsystem,
        "checksum_stored": oh.CheckSum,
        "checksum_computed": pe.generate_checksum(),
        "sections": sections,
        "imports": imports,
        "debug_directory": debug,
        "ex_dll_characteristics": ex_flags,
        "cet_compat": cet,
        "runtime_functions": [
            [e.struct.BeginAddress, e.struct.EndAddress, e.struct.UnwindData]
            for e in getattr(pe, "DIRECTORY_ENTRY_EXCEPTION", [])
        ],
        "rules": sorted(verdict(pe)),
    }
    pe.close()
    return view


def kmdpe_view(kmdpe, path):
    proc = subprocess.run([kmdpe, "info", "--json", path], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("kmdpe info failed (exit %d): %s" % (proc.returncode, proc.stderr.strip()))
    j = json.loads(proc.stdout)
    chk = subprocess.run([kmdpe, "check", "--json", path], capture_output=True, text=True)
    if chk.returncode not in (0, 1):
        raise RuntimeError("kmdpe check failed (exit %d): %s" % (chk.returncode, chk.stderr.strip()))
    fired = {f["id"] for f in json.loads(chk.stdout)["findings"]} & set(CROSS_RULES)
    exc = j["exception_directory"]
    keys = ("name", "virtual_address", "virtual_size", "raw_offset", "raw_size", "characteristics")
    return {
        "machine": j["machine"],
        "subsystem": j["subsystem"],
        "checksum_stored": j["checksum"]["stored"],
        "checksum_computed": j["checksum"]["computed"],
        "sections": [{k: s[k] for k in keys} for s in j["sections"]],
        "imports": [
            {
                "dll": d["dll"],
                "delay": d["delay"],
                "functions": [f["name"] if "name" in f else "#%d" % f["ordinal"] for f in d["functions"]],
            }
            for d in j["imports"]
        ],
        "debug_directory": [{k: d[k] for k in ("type", "size", "address", "pointer")} for d in j["debug_directory"] or []],
        "ex_dll_characteristics": j["ex_dll_characteristics"],
        "cet_compat": j["cet_compat"],
        # pefile reads the exception directory of AMD64 images only
        "runtime_functions": exc["entries"] if exc and j["machine"] == AMD64 else [],
        "rules": sorted(fired),
    }


def fmt(v):
    return hex(v) if isinstance(v, int) and not isinstance(v, bool) else repr(v)


def compare(a, b, path, out):
    """Append 'path: kmdpe=.. pefile=..' for every difference between a (kmdpe) and b (pefile)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a:
            compare(a[k], b.get(k), "%s.%s" % (path, k) if path else k, out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append("%s: kmdpe has %d entries, pefile %d" % (path, len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, "%s[%d]" % (path, i), out)
    elif a != b:
        out.append("%s: kmdpe=%s pefile=%s" % (path, fmt(a), fmt(b)))


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: crosscheck.py KMDPE_BINARY FILE.sys\n")
        return 2
    kmdpe, path = argv[1], argv[2]
    try:
        mine = kmdpe_view(kmdpe, path)
        ref = pefile_view(path)
    except (OSError, RuntimeError, ValueError, KeyError, pefile.PEFormatError) as e:
        sys.stderr.write("crosscheck.py: %s: %s\n" % (path, e))
        return 2
    diffs = []
    compare(mine, ref, "", diffs)
    for d in diffs:
        print("%s: mismatch: %s" % (path, d))
    if diffs:
        print("%s: %d mismatch(es) between kmdpe and pefile" % (path, len(diffs)))
        return 1
    nfun = sum(len(d["functions"]) for d in mine["imports"])
    print(
        "%s: OK: machine 0x%x, subsystem %d, checksum 0x%x/0x%x, %d sections, %d DLLs, %d functions, "
        "%d debug entries (CET %s), %d RUNTIME_FUNCTIONs, rules %s firing: %s match pefile"
        % (path, mine["machine"], mine["subsystem"], mine["checksum_stored"], mine["checksum_computed"],
           len(mine["sections"]), len(mine["imports"]), nfun, len(mine["debug_directory"]),
           "yes" if mine["cet_compat"] else "no", len(mine["runtime_functions"]),
           "/".join(r[3:] for r in CROSS_RULES), ", ".join(mine["rules"]) or "none")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
