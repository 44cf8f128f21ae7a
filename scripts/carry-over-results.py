#!/usr/bin/env python3
"""Carry committed cost results over to the keys of the version-keyed engine (issue 37), once.

Until bb5c4f1 a cost job's key held `<backend>.code=<sha>`: a hash of the Swift sources of the
directories each backend listed. The engine now keys a job by what the tools are given plus
`<backend>.version=<n>`. A result may keep its figures under the new key only if it was measured by
the code of REVISION (by default bb5c4f1), whose tool inputs (scripts, wrappers, parameters) the
carrying commit renders byte for byte the same, since it leaves that code untouched. This script
recomputes each backend's old fingerprint from REVISION's tree with git, refuses any result whose
`.code` line differs (that one must be re-measured), and otherwise replaces `.code` by
`.version=1`, recomputes the key as CostJob.key does and renames the file; the figures and their
checksum are not touched.

    python3 scripts/carry-over-results.py [--revision bb5c4f1] [--check] synth/results
"""
import hashlib, json, os, subprocess, sys

E = "Sources/Synthesis/"
DIRS = {
    "generic": [E + "Engine", E + "Generic"],
    "stdcell": [E + "Engine", E + "Generic", E + "StandardCells"],
    "timed": [E + "Engine", E + "Generic", E + "StandardCells", E + "ICE40", E + "Timed", "Sources/GateTiming"],
    "clocked": [E + "Engine", E + "Generic", E + "StandardCells", E + "Clocked"],
    "mxdot": [E + "Engine", E + "MX"],
    "ice40": [E + "Engine", E + "ICE40"],
}
DIRS["timed_mx"] = DIRS["timed"] + [E + "MX", E + "TimedMX"]


def git(*args):
    return subprocess.run(["git", *args], check=True, capture_output=True).stdout


def fingerprint(revision, dirs):
    """CostResources.codeFingerprint as of bb5c4f1, over REVISION's tree."""
    text = b""
    for d in sorted(set(dirs)):
        names = [l.split("\t", 1)[1] for l in git("ls-tree", revision, d + "/").decode().splitlines() if "\t" in l]
        for path in sorted(n for n in names if n.endswith(".swift")):
            blob = git("show", f"{revision}:{path}")
            text += f"{d}/{os.path.basename(path)}\n".encode() + hashlib.sha256(blob).hexdigest().encode() + b"\n"
    return hashlib.sha256(text).hexdigest()


def main():
    args = sys.argv[1:]
    revision, check = "bb5c4f1", False
    if "--revision" in args:
        i = args.index("--revision"); revision = args[i + 1]; del args[i:i + 2]
    if "--check" in args:
        args.remove("--check"); check = True
    if len(args) != 1:
        sys.exit("usage: carry-over-results.py [--revision REV] [--check] RESULTS_DIR")
    directory = args[0]
    prints = {b: fingerprint(revision, d) for b, d in DIRS.items()}
    moved = refused = kept = 0
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".json"):
            continue
        path = os.path.join(directory, name)
        text = open(path, encoding="utf-8").read()
        stored = json.loads(text)
        codes = [l for l in stored["inputs"] if l.split("=", 1)[0].endswith(".code")]
        if not codes:
            kept += 1
            continue
        wrong = [l for l in codes if prints.get(l.split("=", 1)[0][:-5]) != l.split("=", 1)[1]]
        if wrong:
            refused += 1
            print(f"refused {name} ({stored['job']}): {', '.join(w.split('=')[0] for w in wrong)} not {revision}'s code", file=sys.stderr)
            continue
        # sorted by name, as CostJob.lines sorts its keys (not by whole line: "a.b=" sorts before "a=")
        lines = sorted([l for l in stored["inputs"] if l not in codes] + [l.split("=", 1)[0][:-5] + ".version=1" for l in codes],
                       key=lambda l: l.split("=", 1)[0])
        key = hashlib.sha256("\n".join(["lmul-rtl cost job 1", stored["job"]] + lines).encode()).hexdigest()
        # the file as CostCache writes it: only the inputs block and the key line change
        start = text.index('  "inputs" : [\n')
        end = text.index("  ],\n", start) + len("  ],\n")
        block = '  "inputs" : [\n' + ",\n".join("    " + json.dumps(l, ensure_ascii=False) for l in lines) + "\n  ],\n"
        new = text[:start] + block + text[end:]
        new = new.replace(f'  "key" : "{stored["key"]}",', f'  "key" : "{key}",', 1)
        again = json.loads(new)
        assert again["key"] == key and again["inputs"] == lines and again["result"] == stored["result"]
        moved += 1
        if not check:
            target = os.path.join(directory, key + ".json")
            with open(target + ".tmp", "w", encoding="utf-8") as f:
                f.write(new)
            os.rename(target + ".tmp", target)
            if target != path:
                os.remove(path)
    print(f"{moved} carried over, {kept} already version-keyed, {refused} refused (measure them again)")
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
