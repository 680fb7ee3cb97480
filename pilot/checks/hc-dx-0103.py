"""Check script for hc-dx-0103 (round 2): recomputes the medicines review from the task's own material.

It parses the EPMA administration export (CSV) and the cumulative blood results from the task JSON, reads the
rules from the Trust paracetamol policy and the two formulary extracts, applies them line by line, and asserts
every figure the reference and rubric use, that each appears in the reference, and that the edge lines sit at
the line numbers the reference cites."""

import csv
import datetime as dt
import io
import json
import math
import re
import sys

task = json.load(open(sys.argv[1], encoding="utf-8"))
att = {a["name"]: a["content"] for a in task["attachments"]}
ref = task["reference_answer"]
rub = {c["id"]: c for c in task["rubric"]}


def get(prefix):
    hits = [v for k, v in att.items() if k.startswith(prefix)]
    assert len(hits) == 1, prefix
    return hits[0]


msg, pol, opi, enx, ed, notes, diet, nurse, ctpa, bloods, mar = (get(p) for p in (
    "Message from Dr P. Nandakumar", "Trust policy MM-POL-031", "Kingsmere Formulary 4.7.2", "Kingsmere Formulary 2.8.1",
    "ED clerking", "Medical and SPCT entries", "Dietetic assessment", "Ward 22 nursing record", "CT pulmonary angiogram",
    "Cumulative blood results", "EPMA administration history"))


def has(text, s):
    assert s in text, f"not found: {s!r}"


P = lambda s: dt.datetime.strptime(s, "%Y-%m-%d %H:%M")
D = lambda s: P("2026-" + s[3:5] + "-" + s[0:2] + " " + s[6:])  # 'dd/mm HH:MM'
H = dt.timedelta(hours=1)
NOW = P("2026-11-27 10:40")
has(task["prompt"], "It is 10:40 on Friday 27 November 2026")


def c0(x):
    return f"{x:,.0f}"


# --- rules, read from the documents ------------------------------------------------------------------------------------
PER_KG = int(re.search(r"3\.2 Adults under 50 kg.*?: (\d+) mg/kg per dose", pol).group(1))
MAX_KG = int(re.search(r"maximum (\d+) mg/kg in any 24 hours, and never more than", pol).group(1))
CAP = 1000 * int(re.search(r"never more than (\d) g in any 24 hours", pol).group(1))
TOX_KG = int(re.search(r"more than (\d+) mg/kg of dosing weight", pol).group(1))
BAG1, BAG2 = (int(x) for x in re.search(r"bag 1, (\d+) mg/kg in 500 mL.*?bag 2, (\d+) mg/kg in 1,000 mL", pol).groups())
NAC_CONC = int(re.search(r"acetylcysteine \(injection (\d+) mg/mL\)", pol).group(1))
assert (PER_KG, MAX_KG, CAP, TOX_KG, BAG1, BAG2, NAC_CONC) == (15, 60, 3000, 75, 200, 100, 200)
has(pol, "count a dose recorded as given in full, including when the patient vomits afterwards")
has(pol, "count the part given"); has(pol, "BMI below 18.5"); has(pol, "little or no food for 3 days or more")
has(pol, "co-codamol 8/500 (tablets and effervescent tablets)"); has(pol, "oral suspension 250 mg in 5 mL")

FACT = {k: float(v) for k, v in re.findall(r"^(morphine, oral|morphine, SC or IV|oxycodone, oral|oxycodone, SC or IV|"
                                          r"codeine, oral|alfentanil, SC)\s+([\d.]+)$", opi, re.M)}
assert FACT == {"morphine, oral": 1, "morphine, SC or IV": 2, "oxycodone, oral": 1.5, "oxycodone, SC or IV": 3,
                "codeine, oral": 0.1, "alfentanil, SC": 30}
PATCH = {int(a): float(b) for a, b in re.findall(r"^fentanyl (\d+) micrograms/hour\s+(\d+)$", opi, re.M)}
assert PATCH[12] == 30 and PATCH[25] == 60
WAIT = int(re.search(r"no sooner than (\d+) hours after the patch was removed", opi).group(1)) * H
assert WAIT == 12 * H
has(opi, "reduce the result by one-third"); has(opi, "halve the dose calculated under 4.7.2.3")
has(opi, "start at no more than half of the dose calculated"); has(opi, "not less than 1 mg")
has(opi, "Count a transdermal patch for the hours it was on the skin within the 24 hours")
has(opi, "CrCl below 30 mL/min: avoid morphine"); has(opi, "naloxone 100 micrograms IV every 2 minutes")
has(enx, "1.5 mg/kg SC once daily"); has(enx, "CrCl 15-30 mL/min: 1 mg/kg once daily"); has(enx, "Round to the nearest 10 mg")
has(enx, "Do not use the laboratory eGFR for LMWH dosing"); has(enx, "Stop the prophylactic prescription when a treatment dose")
has(enx, "take a level before the next dose is due and discuss with haematology")

# --- weights, age, other facts ---------------------------------------------------------------------------------------------
BANNER = float(re.search(r"Banner weight: ([\d.]+) kg \(stated", mar).group(1))
BED = float(re.search(r"Weighed on the bed scales \(dynamic air mattress in situ\): ([\d.]+) kg", nurse).group(1))
W = float(re.search(r"weight ([\d.]+) kg on the ward seated chair scales", diet).group(1))
assert (BANNER, BED, W) == (68.0, 54.2, 48.8)
has(ed, "Weight 68 kg (patient's estimate"); has(notes, "= 100 mg (weight 68 kg on EPMA)")
HT = int(re.search(r"Height (\d+) cm \(stated\)", diet).group(1)) / 100
BMI = round(W / HT ** 2, 1)
assert BMI == 15.9 and "BMI 15.9" in diet
dob = dt.datetime.strptime(re.search(r"DOB (\d\d/\d\d/\d{4})", mar).group(1), "%d/%m/%Y")
AGE = NOW.year - dob.year - ((NOW.month, NOW.day) < (dob.month, dob.day))
assert AGE == 76 and "Mr Dennis Farrow" in task["prompt"]  # a man: Cockcroft-Gault factor 1.23
amb = re.search(r"paracetamol (\d) g IV (\d\d:\d\d)", ed)
AMB = (P("2026-11-14 " + amb.group(2)), 1000 * int(amb.group(1)), "amb")
assert AMB[:2] == (P("2026-11-14 05:50"), 1000)
LEFT = int(re.search(r"infusion stopped with (\d+) mL left in the bag", nurse).group(1))
assert LEFT == 35

# --- the working file ------------------------------------------------------------------------------------------------------
rows = list(csv.DictReader(io.StringIO(mar[mar.index("row,admin_id"):])))
N = len(rows)
assert N == 375 and [int(r["row"]) for r in rows] == list(range(1, N + 1))
row = lambda n: rows[n - 1]
withdrawn = {r["admin_id"] for r in rows if r["status"] == "EIE"}
assert len(withdrawn) == 2
IV_PART = 321  # the infusion the nursing entry says was stopped with 35 mL left


def para_mg(r, iv_override=True):
    p, dose, unit = r["product_given"], float(r["dose"]), r["unit"]
    if p.startswith("Co-codamol"):
        assert unit == "tablet" and re.match(r"Co-codamol (\d+) mg/500 mg", p)
        return 500 * dose
    if p.startswith("Paracetamol 10 mg/mL infusion"):
        assert unit == "mL"
        if iv_override and int(r["row"]) == IV_PART:
            return 10 * (dose - LEFT)
        return 10 * dose
    if p.startswith("Paracetamol 250 mg/5 mL"):
        assert unit == "mL"
        return 50 * dose
    if p.startswith(("Paracetamol 500 mg tablets", "Paracetamol 500 mg soluble")):
        return dose * (1000 if unit == "g" else 1)
    assert "aracetamol" not in p and "codamol" not in p.lower(), p
    return 0


def para_doses(skip=(), iv_override=True, extra=True):
    seen, out = set(), []
    for r in rows:
        m = para_mg(r, iv_override)
        if not m or r["status"] != "G" or r["admin_id"] in withdrawn or r["admin_id"] in seen or int(r["row"]) in skip:
            continue
        seen.add(r["admin_id"])
        out.append((P(r["given"]), m, int(r["row"])))
    if extra:
        out.append(AMB)
    return sorted(out, key=lambda d: d[0])


doses = para_doses()
para_rows = [int(r["row"]) for r in rows if para_mg(r)]
assert len(para_rows) == 61 and len(doses) == 57  # 3 NG, 1 EIE, 1 withdrawn; plus the ambulance dose
assert len({r["rx"] for r in rows if para_mg(r)} - {"RX04"}) == 4  # four paracetamol-containing prescriptions in use


def window(ds, start, hours=24):
    return sum(m for t, m, _ in ds if start <= t < start + hours * H)


def peak(ds, hours=24):
    return max(window(ds, t, hours) for t, _, _ in ds)


# edge lines at the numbers the reference cites
assert row(3)["status"] == "NG" and row(3)["unit"] == "g" and row(6)["dose"] == "100" and row(6)["given"] == "2026-11-14 12:50"
assert row(251)["product_given"] == "Paracetamol 500 mg soluble tablets" and row(251)["rx"] == "RX34" and row(251)["given"] == "2026-11-24 00:40"
assert "sepsis order set" in row(251)["prescription"] and "Sepsis order set prescribed (antipyretic PRN)" in notes
assert row(253)["given"] == "2026-11-24 03:20" and row(253)["dose"] == "100"
assert row(301)["product_given"].startswith("Co-codamol 8 mg/500 mg") and row(301)["dose"] == "2" and row(301)["given"] == "2026-11-25 16:50"
assert row(347)["product_given"].startswith("Co-codamol 8 mg/500 mg") and row(347)["dose"] == "1" and row(347)["given"] == "2026-11-26 20:15"
assert row(314)["given"] == "2026-11-25 22:30" and "Vomited approx 23:00" in row(314)["comment"] and row(314)["status"] == "G"
assert row(321)["given"] == "2026-11-26 02:30" and row(321)["dose"] == "100" and row(321)["recorded"] == "2026-11-26 07:25"
assert "Retrospective" in row(321)["comment"] and "left" not in row(321)["comment"]
assert row(320)["product_given"].startswith("Paracetamol 250 mg/5 mL") and row(320)["dose"] == "10" and row(320)["given"] == "2026-11-26 06:40"
assert row(334)["admin_id"] == row(337)["admin_id"] and row(337)["status"] == "EIE" and "bed 6" in row(337)["comment"]
assert row(338)["given"] == "2026-11-26 12:40" and row(338)["status"] == "G"
assert row(69)["status"] == "NG" and row(69)["reason"] == "ASL" and row(199)["status"] == "NG" and row(199)["reason"] == "REF"
assert (row(239)["given"], row(242)["given"], row(247)["given"], row(255)["given"], row(268)["given"]) == (
    "2026-11-23 12:40", "2026-11-23 18:15", "2026-11-23 22:15", "2026-11-24 06:30", "2026-11-24 12:05")
assert not any(r["given"] == "2026-11-14 05:50" for r in rows)  # ambulance dose is not on EPMA

# --- paracetamol: limits, peak, alternatives ---------------------------------------------------------------------------------
def limits(w):
    return min(PER_KG * w, 1000), min(MAX_KG * w, CAP), TOX_KG * w


pd_, mx, tox = limits(W)
assert (round(pd_), round(mx), round(tox)) == (732, 2928, 3660)
assert limits(BED)[1] == 3000 and round(limits(BED)[2]) == 4065
PEAK = peak(doses)
assert PEAK == 4000 and PEAK > tox and PEAK < TOX_KG * BED
starts = [t for t, _, _ in doses if window(doses, t) == PEAK]
assert starts == [P("2026-11-23 12:40"), P("2026-11-23 18:15")]
for h in (23.75, 24.25):
    assert peak(doses, h) == PEAK  # robust to a few minutes either side of 24 h
assert round(PEAK / W, 1) == 82.0 and round(PEAK / BED, 1) == 73.8 and round(PEAK / TOX_KG, 1) == 53.3
comp = [(t.strftime("%d/%m %H:%M"), m) for t, m, _ in doses if starts[0] <= t < starts[0] + 24 * H]
assert comp == [("23/11 12:40", 500), ("23/11 18:15", 500), ("23/11 22:15", 500), ("24/11 00:40", 500), ("24/11 03:20", 1000),
                ("24/11 06:30", 500), ("24/11 12:05", 500)]
day = lambda d: sum(m for t, m, _ in doses if t.date() == dt.date(2026, 11, d))
assert (day(23), day(24)) == (2000, 3500) and max(day(d) for d in range(14, 28)) == 3500 and round(3500 / W, 1) == 71.7
# the co-codamol period
W1 = window(doses, P("2026-11-25 06:25"))
assert W1 == 3650 and round(W1 / W, 1) == 74.8 and W1 <= tox
assert [t for t, _, _ in doses if window(doses, t) == W1] == [P("2026-11-25 06:25"), P("2026-11-25 12:15"), P("2026-11-25 16:50"), P("2026-11-25 22:30")]
comp1 = [(t.strftime("%d/%m %H:%M"), m) for t, m, _ in doses if P("2026-11-25 06:25") <= t < P("2026-11-26 06:25")]
assert comp1 == [("25/11 06:25", 500), ("25/11 12:15", 500), ("25/11 16:50", 1000), ("25/11 18:30", 500), ("25/11 22:30", 500),
                 ("26/11 02:30", 650)]
assert 1000 + 500 == 1500  # co-codamol paracetamol 25-26/11
# the decisive lines: each wrong treatment moves the answer
assert peak(para_doses(skip=(251,))) <= tox                                    # soluble tablet missed: nothing potentially toxic
assert window(para_doses(iv_override=False), P("2026-11-25 06:25")) == 4000   # full bag counted: co-codamol period toxic too
assert peak([d for d in doses if d[2] != IV_PART]) == PEAK and window([d for d in doses if d[2] != IV_PART], P("2026-11-25 06:25")) == 3000
assert window(para_doses(skip=(314,)), P("2026-11-25 06:25")) == 3150 and window(para_doses(skip=(301, 347)), P("2026-11-25 06:25")) == 2650
assert peak(doses + [(P("2026-11-26 12:05"), 500, 334)]) == 4150                  # withdrawn line counted
over = sorted({t for t, _, _ in doses if window(doses, t) > mx})
assert over[0] == AMB[0] and window(doses, AMB[0]) == 3000
assert window([d for d in doses if d[2] != "amb"], P("2026-11-14 12:50")) == 2500   # without the ambulance dose: within
assert window(doses, P("2026-11-21 06:25")) == 3000 and window(doses, P("2026-11-26 06:40")) == 3000
assert window(doses, P("2026-11-23 06:20")) == 3500
assert all(window(doses, t) <= mx or P("2026-11-21 00:00") <= t or t == AMB[0] for t, _, _ in doses)
gaps = [(a[0].strftime("%d/%m %H:%M"), str(b[0] - a[0])[:-3]) for a, b in zip(doses, doses[1:]) if b[0] - a[0] < 4 * H]
assert gaps == [("23/11 22:15", "2:25"), ("24/11 00:40", "2:40"), ("24/11 03:20", "3:10"), ("25/11 16:50", "1:40"),
                ("26/11 18:05", "2:10"), ("26/11 20:15", "1:45")]
LAST = max(t for t, _, _ in doses)
assert LAST == P("2026-11-27 06:15") and NOW - LAST == dt.timedelta(hours=4, minutes=25)
assert P("2026-11-27 06:40") - LAST == dt.timedelta(minutes=25) and "Samples 06:30-07:15" in bloods and "27/11: 06:40" in bloods
b1, b2 = BAG1 * W, BAG2 * W
assert (round(b1), round(b2), round(b1 / NAC_CONC, 1), round(b2 / NAC_CONC, 1)) == (9760, 4880, 48.8, 24.4)
assert (BAG1 * BANNER, BAG2 * BANNER) == (13600, 6800)
assert (P("2026-11-27 11:00") + 20 * H).strftime("%a %H:%M") == "Sat 07:00"
assert round(2000 / W, 1) == 41.0 and 2000 <= mx

# --- bloods ----------------------------------------------------------------------------------------------------------------------
def labrow(name):
    line = next(l for l in bloods.splitlines() if l.startswith(name))
    return [None if v == "-" else float(v) for v in line[31:].split()]


cols = bloods.splitlines()[3].split()[-10:]
CR = dict(zip(cols, labrow("Creatinine")))
EGFR = dict(zip(cols, labrow("eGFR")))
ALT = dict(zip(cols, labrow("ALT")))
INR = dict(zip(cols, labrow("INR")))
assert ALT["27/11"] == 141 and "ALT (0-40 U/L)" in bloods and INR["27/11"] == 1.3 and round(141 / 40, 1) == 3.5


def ckd_epi(cr):  # laboratory eGFR (2021, male): used only to confirm the printed row
    s = cr / 88.4 / 0.9
    return 142 * min(s, 1) ** -0.302 * max(s, 1) ** -1.2 * 0.9938 ** AGE


assert all(round(ckd_epi(CR[d])) == EGFR[d] for d in cols)


def crcl(cr, w):
    return (140 - AGE) * w * 1.23 / cr


CC = {d: round(crcl(CR[d], W), 1) for d in cols}
assert (CC["24/11"], CC["25/11"], CC["26/11"], CC["27/11"]) == (31.7, 23.9, 20.2, 16.3)
assert [d for d in cols if CC[d] < 30] == ["25/11", "26/11", "27/11"]
assert [d for d in cols if EGFR[d] < 30] == ["27/11"]
assert round(crcl(CR["25/11"], BED), 1) == 26.5 and round(crcl(CR["27/11"], BED), 1) == 18.1 and crcl(CR["25/11"], BANNER) > 30
assert round((140 - AGE) * W * 1.23 / 15, 0) == 256
rises = [CR[b] - CR[a] for a, b in zip(cols[6:], cols[7:])]
assert (min(rises), max(rises)) == (29, 46)

# --- opioids: patches and the 24-hour total ----------------------------------------------------------------------------------
pat = [r for r in rows if r["rx"] in ("RX09", "RX29")]
site = lambda s: re.search(r"(R|L) (upper arm|chest)", s).group(0)
on = {}  # site -> [strength, applied]
spans = []
for r in pat:
    t = P(r["given"])
    strength = int(re.search(r"Fentanyl (\d+) micrograms", r["product_given"]).group(1))
    if r["status"] == "RM":
        s = site(r["comment"])
        st, a = on.pop(s)
        spans.append((st, a, t, s))
    else:
        if "Old patch" in r["comment"]:
            older = [s for s in on]
            found_later = [q for q in pat if q["status"] == "RM" and "found" in q["comment"] and P(q["given"]) > t]
            for s in older:
                if not any(site(q["comment"]) == s for q in found_later):  # the 06:10 finding overrides the claim
                    st, a = on.pop(s)
                    spans.append((st, a, t, s))
        on[site(r["comment"])] = [strength, t]
assert not on  # every patch applied on the ward was removed by 06:10 today
two = sorted((sp for sp in spans if sp[0] == 12), key=lambda sp: sp[1])
assert [(sp[1], sp[2], sp[3]) for sp in two] == [(P("2026-11-23 11:30"), P("2026-11-27 06:10"), "L upper arm"),
                                                 (P("2026-11-26 11:20"), P("2026-11-27 04:35"), "R upper arm")]
assert row(237)["comment"].startswith("Applied L upper arm") and "Old patch removed" in row(333)["comment"]
assert row(362)["status"] == "RM" and row(364)["status"] == "RM" and "Second patch found L upper arm, dated 23/11" in row(364)["comment"]
has(nurse, "found a second fentanyl patch on the L upper arm, 12 micrograms/hour, dated 23/11")
LAST_OFF = max(sp[2] for sp in two)
assert LAST_OFF == P("2026-11-27 06:10") and (LAST_OFF + WAIT).strftime("%H:%M") == "18:10"
assert (P("2026-11-27 04:35") + WAIT).strftime("%H:%M") == "16:35"


def conc(p):
    m = re.search(r"(\d+) mg/(\d+) mL", p)
    return int(m.group(1)) / int(m.group(2))


def ome_line(r):
    p, d, u, route = r["product_given"], float(r["dose"]), r["unit"], r["route"]
    if p.startswith("Co-codamol"):
        return d * int(re.match(r"Co-codamol (\d+) mg", p).group(1)) * FACT["codeine, oral"]
    if p.startswith(("Morphine", "Oxycodone")):
        mg = d * conc(p) if u == "mL" else d
        drug = "morphine" if p.startswith("Morphine") else "oxycodone"
        return mg * FACT[f"{drug}, {'oral' if route == 'PO' else 'SC or IV'}"]
    return 0


def ome(end, hours=24):
    start, seen, tot, parts = end - hours * H, set(), 0.0, {}
    for r in rows:
        if r["status"] != "G" or r["admin_id"] in withdrawn or r["admin_id"] in seen or not r["given"]:
            continue
        v = ome_line(r)
        if v and start <= P(r["given"]) < end:
            seen.add(r["admin_id"])
            tot += v
            parts[int(r["row"])] = v
    for st, a, b, s in spans:
        h = max(0.0, (min(b, end) - max(a, start)) / H)
        tot += PATCH[st] * h / 24
        parts[s] = (h, PATCH[st] * h / 24)
    return tot, parts


OME, parts = ome(NOW)
assert round(OME, 1) == 84.2
assert parts["L upper arm"] == (19.5, 24.375) and parts["R upper arm"] == (17.25, 21.5625)
assert {k: v for k, v in parts.items() if isinstance(k, int)} == {336: 7.5, 339: 7.5, 344: 5.0, 347: 0.8, 356: 7.5, 360: 10.0}
assert row(356)["unit"] == "mL" and row(356)["product_given"].startswith("Oxycodone 5 mg/5 mL")
assert row(344)["admin_id"] == row(350)["admin_id"] == "A613595" and row(350)["recorded"] == "2026-11-26 21:47"
assert row(358)["admin_id"] == row(359)["admin_id"] and row(359)["status"] == "EIE" and row(360)["product_given"].startswith("Morphine sulfate 10 mg/1 mL")
assert row(360)["route"] == "SC" and row(360)["dose"] == "5" and row(360)["given"] == "2026-11-27 01:15"
assert row(330)["given"] == "2026-11-26 08:50" and row(317)["given"] == "2026-11-26 03:00"  # before the window
lo, hi = ome(P("2026-11-27 12:00"))[0], ome(P("2026-11-27 10:30"))[0]
assert (round(lo, 1), round(hi, 1)) == (81.7, 84.4) and lo < OME < hi
# the F1's 60 mg: one patch for 24 h, withdrawn oxycodone and duplicate morphine counted, nothing converted
assert PATCH[12] + (5 * 4) + (2.5 + 2.5 + 5) == 60
assert ome(NOW)[0] - parts["L upper arm"][1] < 61  # missing the retained patch gives about 60 mg
sc = OME / FACT["oxycodone, SC or IV"]
steps = [sc, sc * 2 / 3, sc * 2 / 3 / 2, sc * 2 / 3 / 4]
assert [round(x, 1) for x in steps] == [28.1, 18.7, 9.4, 4.7]
CSCI = math.floor(steps[-1])
assert CSCI == 4 and max(1, round(CSCI / 6)) == 1 and round(CSCI / 6, 1) == 0.7
assert math.floor(sc / 2 / 2) == 7  # the upper end of c25's tolerance: no one-third off for the change of opioid
has(rub['c25']['tolerance'], '4-7 mg/24 h')
assert 2 * 30 == 60  # morphine 30 mg SC = 60 mg OME

# --- enoxaparin ----------------------------------------------------------------------------------------------------------------
r10 = lambda x: int(10 * math.floor(x / 10 + 0.5))
assert r10(1.5 * BANNER) == 100 and r10(1.5 * W) == 70 and round(1.5 * W, 1) == 73.2 and r10(1.5 * BED) == 80
assert r10(1 * W) == 50 and r10(1 * BED) == 50 and r10(1 * BANNER) == 70
enox = [(P(r["given"]), int(r["dose"]), int(r["row"]), r["rx"]) for r in rows if r["product_given"].startswith("Enoxaparin")]
treat = [e for e in enox if e[3] == "RX23"]
assert [e[1] for e in treat] == [100] * 8 and treat[0][:3] == (P("2026-11-19 15:40"), 100, 131)
assert row(134)["rx"] == "RX10" and row(134)["given"] == "2026-11-19 18:20" and row(134)["dose"] == "40"
assert sum(e[1] for e in enox if e[0].date() == dt.date(2026, 11, 19)) == 140
after = [e for e in treat if e[0] >= P("2026-11-25 07:15")]
assert [(e[2], e[0].strftime("%d/%m %H:%M")) for e in after] == [(303, "25/11 18:05"), (340, "26/11 18:00")]
assert round(100 / W, 2) == 2.05
assert not [e for e in enox if e[3] == "RX10" and e[0] > P("2026-11-19 23:59")]
has(msg, "suggests 70 mg"); has(msg, "about 60 mg of oral morphine"); has(msg, "morphine 30 mg over 24 hours at 12:00")
has(msg, "eGFR 24")
assert row(372)["rx"] == "RX21" and row(372)["given"] == "2026-11-27 08:25" and row(357)["rx"] == "RX25" and row(357)["given"] == "2026-11-26 23:50"
Hb = dict(zip(cols, labrow("Hb")))
assert Hb["27/11"] == 96 and Hb["19/11"] == 112
has(ctpa, "bilateral segmental pulmonary emboli")

# --- the reference states every figure ---------------------------------------------------------------------------------------
for s in [
    "**16.3 mL/min**", "**84.2 mg OME**", "not 60 mg", "**18:10**", "**oxycodone 4 mg/24 h SC**", "**oxycodone 1 mg SC PRN**",
    "**50 mg** (1 mg/kg)", "**4,000 mg**", "**82.0 mg/kg**", "3,650 mg (74.8 mg/kg)", "**13,600 mg and 6,800 mg**",
    "enoxaparin 70 mg", "**48.8 kg**", "given at 08:25 today",
    "| 68 kg |", "| 54.2 kg |", "| 48.8 kg |", "BMI of 15.9", "| 24/11 | 121 | 31.7 | 54 |", "| 25/11 | 161 | **23.9** | 38 |",
    "| 26/11 | 190 | 20.2 | 31 |", "| 27/11 | 236 | **16.3** | 24 |", "29-46 a day", "about **256**",
    "| 19.5 h | 24.4 mg |", "| 17.25 h | 21.6 mg |", "| 15 mg (22:40 recorded as 5 mL of 5 mg/5 mL = 5 mg) | 22.5 mg |",
    "| 2.5 + 5 = 7.5 mg | 15 mg |", "| 8 mg | 0.8 mg |", "| **total** | | | **84.2 mg** |", "A613595", "2 x 5 = 10 mg OME",
    "(30 mg)", "(20 mg)", "(10 mg)", "(81.7-84.4 mg)", "60 mg OME a day", "not 16:35",
    "84.2 / 3 = 28.1 mg", "= 18.7 mg", "= 9.4 mg", "= 4.7 mg", "one-sixth of 4 mg is 0.7 mg",
    "**732 mg**", "**2,928 mg in any 24 hours**", "**more than 3,660 mg in any 24-hour period**", "375-line export",
    "65 mL x 10 mg/mL = **650 mg**", "10 mL of 250 mg/5 mL suspension = 500 mg",
    "2 tablets at 25/11 16:50 = 1,000 mg; 1 tablet at 26/11 20:15 = 500 mg", "2 h 25 min after the 22:15", "2 h 40 min before the 03:20",
    "12:40 500 mg, 18:15 500 mg, 22:15 500 mg, 00:40 soluble 500 mg, 03:20 IV 1,000 mg, 06:30 500 mg, 12:05 500 mg",
    "The window from 18:15 on 23/11", "23/11 2,000 mg, 24/11 3,500 mg (71.7 mg/kg)", "late (12:40)", "early (12:05)",
    "**3,650 mg**", "06:25 500 mg, 12:15 500 mg, 16:50 co-codamol 1,000 mg, 18:30 500 mg, 22:30 500 mg, 02:30 IV 650 mg",
    "**74.8 mg/kg**", "starting at 12:15, 16:50 and 22:30 on 25/11", "would be 4,000 mg as well", "added 1,500 mg",
    "3,000 mg from 14/11 05:50", "(3,000 mg from 21/11 06:25)", "from 26/11 06:40 (3,000 mg)", "(3 h 10 min)", "(1 h 40 min)",
    "26/11 18:05, 20:15 and 22:00", "**53.3 kg**", "**73.8 mg/kg**", "(3,000 mg cap)", "**4 h 25 min**", "only 25 minutes",
    "**9,760 mg** (48.8 mL of 200 mg/mL)", "**4,880 mg** (24.4 mL)", "about 07:00 on Sat 28/11", "ALT is 141 (upper limit 40)",
    "3.5 times", "(2 g, 41.0 mg/kg)", "73.2 mg, so **70 mg**", "2.05 mg/kg", "140 mg that day", "18:20 (line 134)",
    "100 mg at 15:40 (line 131)", "18:05 on 25/11 (line 303)", "18:00 on 26/11 (line 340)", "Hb 96, down from 112",
    "(RX07, RX08, RX34, RX31)",
]:
    has(ref, s)
for s in ["**Line 3**", "Line 6,", "**Line 251**", "(line 253)", "**Lines 301 and 347**", "**Line 314**", "**Line 321**",
          "**Line 320**", "**Lines 334 and 337**", "line 338", "NG lines 69", "199 (22/11", "**Line 350** repeats line 344",
          "**Line 358**", "line 359", "(line 360)", "(line 237)", "Line 333", "(line 364", "| 237, 333, 364 |", "| 333, 362 |",
          "| 336, 339, 356 |", "| 344/350, 360 |", "| 347 |"]:
    has(ref, s)

# --- and the rubric uses the same figures -------------------------------------------------------------------------------------
R = lambda i: rub[f"c{i:02d}"]
has(R(1)["text"], "line 251"); has(R(1)["text"], "sepsis"); has(R(1)["tolerance"], "00:40 on 24/11")
has(R(2)["tolerance"], "650 mg"); has(R(2)["text"], "line 321"); has(R(2)["text"], "35 mL")
has(R(3)["text"], "line 301"); has(R(3)["text"], "line 347"); has(R(4)["text"], "line 314"); has(R(5)["text"], "line 320")
has(R(6)["text"], "line 334"); has(R(6)["text"], "line 337"); has(R(6)["text"], "line 338")
has(R(7)["tolerance"], "48.8 kg or 54.2 kg"); has(R(8)["tolerance"], "48.8 kg")
has(R(9)["text"], "732 mg per dose, 2,928 mg in any 24 hours, and potentially toxic above 3,660 mg")
has(R(10)["text"], "4,000 mg in the 24 hours from 12:40 on 23/11"); has(R(10)["text"], "18:15 on 23/11")
has(R(10)["text"], "82.0 mg/kg")
has(R(11)["text"], "3,650 mg in the 24 hours from 06:25 on 25/11 (74.8 mg/kg)"); has(R(11)["tolerance"], "4,000 mg with the full IV bag")
has(R(12)["text"], "53.3 kg"); has(R(12)["text"], "73.8 mg/kg at 54.2 kg")
has(R(13)["text"], "05:50 on 14/11"); has(R(13)["text"], "06:25 on 21/11"); has(R(13)["tolerance"], "3,500 mg from 23/11 06:20")
has(R(15)["text"], "9,760 mg"); has(R(15)["text"], "4,880 mg"); has(R(17)["tolerance"], "4 h 25 min")
has(R(18)["text"], "line 364"); has(R(18)["text"], "line 333")
has(R(19)["text"], "19.5 hours (24.4 mg OME)"); has(R(19)["text"], "17.25 hours (21.6 mg OME)")
has(R(20)["text"], "line 350"); has(R(20)["text"], "line 344"); has(R(20)["text"], "A613595")
has(R(21)["text"], "line 358"); has(R(21)["text"], "line 359"); has(R(21)["text"], "line 360")
has(R(22)["text"], "about 84 mg OME"); has(R(22)["tolerance"], "81-85 mg OME")
has(R(24)["tolerance"], "18:10"); has(R(25)["text"], "about 4 mg/24 h"); has(R(28)["text"], "08:25")
has(R(29)["text"], "23.9 mL/min, creatinine 161"); has(R(29)["text"], "16.3 mL/min today")
has(R(29)["tolerance"], "26.5 and 18.1 at 54.2 kg"); has(R(30)["text"], "73.2 mg")
has(R(31)["text"], "line 134"); has(R(32)["text"], "50 mg"); has(R(34)["text"], "13,600 mg and 6,800 mg")
assert 15 <= len(rub) <= 40 and sum(c["weight"] for c in rub.values()) == 230
assert all(c["importance"] == "essential" for c in rub.values() if c["dimension"] == "Safety & Risk Management")
band = {"essential": (8, 10), "important": (4, 7), "optional": (1, 3)}
assert all(band[c["importance"]][0] <= c["weight"] <= band[c["importance"]][1] for c in rub.values())
ids = list(rub)
assert all(ids.index(x) < ids.index(c["id"]) for c in rub.values() for x in c.get("carried_forward_from", []))

print("hc-dx-0103: all checks passed")
