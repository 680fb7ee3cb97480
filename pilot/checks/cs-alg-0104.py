"""Check script for cs-alg-0104: recomputes every number of the reference and rubric.

Converts the catalogue's TiB sizes to TB, checks the reference manifests, runs first-fit decreasing
and an exact branch-and-bound for each retention class at 88 TB and at 100 TB, and checks the
headroom of the crate holding the still-running image.
"""
import datetime as dt
import json
import math
import re
import sys

task = json.load(open(sys.argv[1], encoding="utf-8"))
att = {a["name"]: a["content"] for a in task["attachments"]}
ref = task["reference_answer"]
rub = {c["id"]: c for c in task["rubric"]}


def has(text, s):
    assert s in text, f"not found: {s!r}"


cat = att["Backup catalogue export, wave 1"]
contract = att["ColdHarbor Customer Agreement, Schedule B (extract)"]
mail = att["Email thread: ColdHarbor shipment #1"]
has(contract, "Usable Capacity is 88 TB per Crate"); has(contract, "1 TB = 10^12 bytes")
has(contract, "USD 5,400 per Crate per Rental Period, plus USD 720")
has(contract, "Each Crate is ingested into exactly one Vault")
has(att["VaultCrate V100 product sheet and account manager email"], "Capacity: 100 TB per crate")
has(mail, "wipes the disks on collection"); has(mail, "26 to 31"); has(mail, "1.9 GB/s per crate")

TIB = 2 ** 40 / 1e12
rows = re.findall(r"\| (bk-[\w-]+) \| [^|]+ \| (STD-7Y|LH-HALV|NONE) \| ([\d.]+)(?: \(est\.\))? \| ([^|]+) \|", cat)
wave = {n: (cls, float(sz)) for n, cls, sz, st in rows if not st.strip().startswith(("excluded", "wave 2"))}
assert len(wave) == 15
std = {n: s for n, (c, s) in wave.items() if c == "STD-7Y"}
lh = {n: s for n, (c, s) in wave.items() if c == "LH-HALV"}
assert len(std) == 12 and len(lh) == 3
tb = lambda tib: tib * TIB
assert round(sum(wave[n][1] for n in wave), 1) == 440.1; has(cat, "Wave 1 total (15 images): 440.1")
for n, (c, s) in wave.items():
    has(ref, f"| {n}" if "fin-2026" not in n and c != "LH-HALV" else n)
    has(ref, f"| {s} | {tb(s):.2f} |")
assert round(TIB, 4) == 1.0995
S, L = sum(tb(s) for s in std.values()), sum(tb(s) for s in lh.values())
assert round(S, 2) == 395.60 and round(L, 2) == 88.29 and round(S + L, 2) == 483.90
has(ref, "**395.60 TB**"); has(ref, "**88.29 TB**"); has(ref, "**483.90 TB**")
assert round(sum(std.values()), 1) == 359.8 and round(sum(lh.values()), 1) == 80.3
has(ref, "359.8 TiB"); has(ref, "80.3 TiB")

C = 88.0
def ffd(items, cap):
    bins = []
    for s in sorted(items, reverse=True):
        for b in bins:
            if sum(b) + s <= cap + 1e-9:
                b.append(s); break
        else:
            bins.append([s])
    return bins
def opt(items, cap):
    items = sorted(items, reverse=True); best = [len(ffd(items, cap))]
    lb = math.ceil(sum(items) / cap - 1e-9)
    def rec(i, loads):
        if len(loads) >= best[0] or best[0] == lb:
            return
        if i == len(items):
            best[0] = len(loads); return
        seen = set()
        for j, l in enumerate(loads):
            if l + items[i] <= cap + 1e-9 and round(l, 6) not in seen:
                seen.add(round(l, 6)); loads[j] += items[i]; rec(i + 1, loads); loads[j] -= items[i]
        loads.append(items[i]); rec(i + 1, loads); loads.pop()
    rec(0, []); return best[0]

stdTB = [tb(s) for s in std.values()]; lhTB = [tb(s) for s in lh.values()]
assert math.ceil(S / C) == 5 and round(S / C, 2) == 4.50 and opt(stdTB, C) == 5
assert opt(lhTB, C) == 2 and sum(lh.values()) <= 88  # fits only if TiB misread as TB
has(ref, "⌈395.60 / 88⌉ = ⌈4.50⌉ = 5")

# the reference manifests
manifest = {
    "S-1": ["bk-erp-2025-full", "bk-mail-arch-2024"], "S-2": ["bk-fs-eng-2025", "bk-crm-2025"],
    "S-3": ["bk-fs-fin-2025", "bk-fs-ops-2025", "bk-scm-2024"],
    "S-4": ["bk-dwh-2024", "bk-hr-2025", "bk-vdi-gold-2025"], "S-5": ["bk-sp-2025", "bk-fin-2026-q4-full"],
    "LH-1": ["bk-halv-mail", "bk-halv-fs"], "LH-2": ["bk-halv-erp-slice"]}
placed = [n for v in manifest.values() for n in v]
assert sorted(placed) == sorted(wave) and len(placed) == len(set(placed))
for crate, imgs in manifest.items():
    classes = {wave[n][0] for n in imgs}
    assert len(classes) == 1 and (classes == {"LH-HALV"}) == crate.startswith("LH")
    load = sum(tb(wave[n][1]) for n in imgs)
    assert load <= C
    if crate.startswith("S"):
        has(ref, f"| {crate} | {' + '.join(imgs)} | {load:.2f} | {C - load:.2f} |")
    else:
        has(ref, f"{load:.2f} TB")
assert len(manifest) == 7 and 7 * (5400 + 720) == 42840
has(ref, "**Total: 7 crates**"); has(ref, "**USD 42,840**")

# first-fit decreasing at 88 TB
f = ffd(stdTB, C)
assert len(f) == 6 and len(f) + 2 == 8 and 8 * 6120 == 48960
assert [sorted([round(x / TIB, 1) for x in b], reverse=True) for b in f] == [[42.8, 34.8], [34.7, 32.6], [31.8, 30.8], [30.7, 28.7], [25.9, 23.1, 22.6], [21.3]]
has(ref, "uses **6** standard crates"); has(ref, "**8 crates, USD 48,960**")
# mixed classes and the datasheet capacity
assert opt(stdTB + lhTB, C) == 6 and math.ceil((S + L) / C) == 6
has(ref, "⌈483.90/88⌉ = 6")
assert opt(stdTB, 100) == 4 and opt(lhTB, 100) == 1
has(ref, "4 standard + 1 legal-hold = 5 crates")
# 11/9 guarantee example
assert math.floor(11 / 9 * 30 + 6 / 9) == 37; has(ref, "at most 37")
# wave-2 image fits a crate
assert round(tb(51.4), 1) == 56.5; has(ref, "51.4 TiB = 56.5 TB")

# the running image: headroom in S-5 and the global threshold
fin_max = C / TIB - std["bk-sp-2025"]
assert round(fin_max, 1) == 49.3 and round(tb(fin_max), 1) == 54.2 and round(fin_max - 31) == 18
has(ref, "**49.3 TiB** (54.2 TB)"); has(ref, "18 TiB to spare")
base = dict(std)
for v in [26, 31, 40, 49.3]:
    base["bk-fin-2026-q4-full"] = v
    assert opt([tb(s) for s in base.values()], C) == 5
base["bk-fin-2026-q4-full"] = 50
assert opt([tb(s) for s in base.values()], C) == 6
hours = tb(28.7) * 1e12 / 1.9e9 / 3600
assert round(hours, 1) == 4.6 and round(tb(28.7), 1) == 31.6
has(ref, "31.6 TB takes about 4.6 h")

# dates
assert dt.date(2026, 12, 3).weekday() == 3 and dt.date(2026, 12, 8).weekday() == 1  # Thu + 3 business days = Tue
assert dt.date(2026, 12, 11).weekday() == 4
assert (dt.date(2026, 12, 11) + dt.timedelta(10)).day == 21 and (dt.date(2026, 12, 11) + dt.timedelta(14)).day == 25
has(ref, "Thu 3 Dec arrives by Tue 8 Dec"); has(ref, "about 21-25 Dec"); has(ref, "**8 Jan 2027**")

# rubric figures agree
has(rub["c09"]["text"], "USD 42,840"); has(rub["c11"]["text"], "USD 48,960"); has(rub["c18"]["text"], "49.3 TiB")
has(rub["c02"]["text"], "395.6 TB"); has(rub["c05"]["text"], "88.29 TB")
print("cs-alg-0104: all checks passed")
