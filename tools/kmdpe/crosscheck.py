#!/usr/bin/python3
"""Cross-check `kmdpe info --json` against python3-pefile.

usage: crosscheck.py KMDPE_BINARY FILE.sys

Compares machine, subsystem, stored and computed checksum, the section list
(names, virtual addresses, sizes, raw offsets, characteristics) and the import
list (DLL names, delay-load flag, function names / ordinals). Prints every
mismatch and exits 1 if there is any; prints a one-line summary and exits 0
when everything agrees. Exit 2 on usage errors or if a tool fails to run.
Run it with /usr/bin/python3 (Debian's python3-pefile).
"""
import json
import subprocess
import sys

try:
    import pefile
except ImportError:  # pragma: no cover
    sys.stderr.write("crosscheck.py: python3-pefile is required (run with /usr/bin/python3)\n")
    sys.exit(2)


def latin1(b):
    return b.decode("latin-1") if isinstance(b, bytes) else b


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
    view = {
        "machine": pe.FILE_HEADER.Machine,
        "subsystem": oh.Subsystem,
        "checksum_stored": oh.CheckSum,
        "checksum_computed": pe.generate_checksum(),
        "sections": sections,
        "imports": imports,
    }
    pe.close()
    return view


def kmdpe_view(kmdpe, path):
    proc = subprocess.run([kmdpe, "info", "--json", path], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("kmdpe info failed (exit %d): %s" % (proc.returncode, proc.stderr.strip()))
    j = json.loads(proc.stdout)
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
        "%s: OK: machine 0x%x, subsystem %d, checksum 0x%x/0x%x, %d sections, %d DLLs, %d functions match pefile"
        % (path, mine["machine"], mine["subsystem"], mine["checksum_stored"], mine["checksum_computed"],
           len(mine["sections"]), len(mine["imports"]), nfun)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
