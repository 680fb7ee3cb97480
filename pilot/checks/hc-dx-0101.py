"""Check script for hc-dx-0101: recomputes every number of the reference and rubric.

Every input is read from (or asserted to be in) the task's own attachments; every derived
figure is recomputed and asserted to appear in the reference answer as stated, so a drifted
number fails. Rubric tolerances are asserted to contain the recomputed values.
"""
import datetime as dt
import json
import re
import sys

task = json.load(open(sys.argv[1], encoding="utf-8"))
att = [a["content"] for a in task["attachments"]]
ed, labs, scr, pharm, dc2024, cmht, amu = att
ref = task["reference_answer"]
rubric = {c["id"]: c for c in task["rubric"]}
material = "\n".join(att) + "\n" + task["prompt"]


def has(text, s, where="reference"):
    assert s in text, f"not found in {where}: {s!r}"


def row(name):
    """Values of one row of the cumulative results table: GP 18/09, ED 11:20, AMU 19:30."""
    line = next(l for l in labs.splitlines() if l.startswith(name))
    return [c.strip().split(" ")[0] for c in line.split("|")[1:]]


def num(s):
    return float(s)


# --- inputs from the material -----------------------------------------------------------------
na_gp, na_ed, na_amu = map(num, row("Sodium"))
urea_ed, urea_amu = map(num, row("Urea")[1:])
cr_gp, cr_ed, cr_amu = map(num, row("Creatinine"))
ca_gp, ca_ed = map(num, row("Total calcium")[:2])
alb_gp, alb_ed, alb_amu = map(num, row("Albumin"))
adj_ca_gp = num(row("Adjusted calcium")[0])
glu_ed, glu_amu = map(num, row("Glucose")[1:])
sosm = num(row("Serum osmolality")[2])
uosm = num(row("Urine osmolality")[2])
ck = num(row("CK")[1])
crp = num(row("CRP")[1])
tsh_ed = num(row("TSH")[1])
assert (na_ed, na_amu, urea_amu, glu_amu, sosm, uosm) == (152, 154, 14.1, 6.2, 331, 176)
assert (cr_gp, cr_ed, cr_amu, ca_ed, alb_ed, alb_gp, ca_gp) == (98, 168, 161, 2.50, 29, 36, 2.61)

m = re.search(r"Weight (\d+) kg", amu)
assert m, "the weight the reference uses must be in the material"
weight = float(m.group(1))
assert weight == 52
m = re.search(r"DOB (\d\d)/(\d\d)/(\d{4}) \((\d+)\)", ed)
dob = dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
today = dt.date(2026, 1, 14)
has(task["prompt"], "Wednesday 14 January 2026", "prompt")
assert today.strftime("%A") == "Wednesday"
age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
assert age == int(m.group(4)) == 83
has(ref, "83-year-old")

# --- timings ----------------------------------------------------------------------------------
has(ed, "gave the evening pod")
has(ed, "by the evening carer at 20:40 yesterday")
has(ed, "Found on floor by morning carer at 07:50")
last_dose = dt.datetime(2026, 1, 13, 20, 40)
lie_h = (dt.datetime(2026, 1, 14, 7, 50) - last_dose).total_seconds() / 3600
assert 11 <= lie_h < 11.5
has(ref, "possible 11-h lie")
since_dose = (dt.datetime(2026, 1, 14, 21, 40) - last_dose).total_seconds() / 3600
assert round(since_dose) == 25
has(ref, "about 25 h ago")
has(ref, "about 20:40 on 13/01")
saturday = dt.date(2026, 1, 10)
assert saturday.strftime("%A") == "Saturday"
assert (today - saturday).days == 4
has(ref, "4 days of diarrhoea")

# --- lithium and the dose conflict ------------------------------------------------------------
has(pharm, "Priadel (lithium carbonate MR) 400 mg x1")
has(dc2024, "Priadel) 200 mg at night - REDUCED from 400 mg")
has(cmht, "Priadel 400 mg at night, continued")
has(ref, "Priadel 400 mg in every evening pod")
has(ref, "reduced lithium to 200 mg at night")
has(dc2024, "serum lithium 1.4 mmol/L")
has(ref, "(level 1.4)")
has(cmht, "Lithium level 0.7 mmol/L (March 2025")
has(ref, "No lithium level has been done since March 2025")
for d, where in (("09/12/2025", scr), ("02/12/2025", scr), ("10/12/2025", pharm)):
    has(where, d, "material")
has(ref, "bendroflumethiazide started 09/12/2025")
has(ref, "ramipril increased to 5 mg on 02/12/2025")
has(ref, "interaction warning of 10/12")
has(amu, "ibuprofen 200 mg")
has(amu, '"a couple, two or three times a day"')
assert 2 * 200 == 400
has(ref, "OTC ibuprofen at about 400 mg two to three times daily")

# --- sodium, water and osmolality -------------------------------------------------------------
has(ref, f"Na {na_ed:.0f} rising to {na_amu:.0f} on 0.9% saline")
has(ref, f"urine osmolality {uosm:.0f} against serum osmolality {sosm:.0f}, SG 1.005")
has(ed, "SG 1.005", "material")
has(amu, "estimated 1.4 L urine since arrival")
has(ref, "about 1.4 L since 15:10")

fwd = 0.45 * weight * (na_amu / 140 - 1)
assert f"{fwd:.2f}" == "2.34"
has(ref, f"Free-water deficit = 0.45 x {weight:.0f} kg x ({na_amu:.0f}/140 - 1) = {fwd:.2f} L (about {fwd:.1f} L)")
lo, hi = 1.9, 2.9
variants = [f * weight * (na / 140 - 1) for f in (0.45, 0.5) for na in (na_ed, na_amu)]
assert all(lo <= v <= hi for v in variants), variants
has(rubric["c13"]["tolerance"], "1.9-2.9 L", "c13 tolerance")
has(rubric["c13"]["tolerance"], f"{weight:.0f} kg", "c13 tolerance")

calc_osm = 2 * na_amu + urea_amu + glu_amu  # all three from the 19:30 sample
assert f"{calc_osm:.1f}" == "328.3"
has(ref, f"2x{na_amu:.0f} + {urea_amu} + {glu_amu} = {calc_osm:.1f}")
assert abs(sosm - calc_osm) < 10  # osmolal gap small: no unmeasured osmoles
has(ref, f"measured {sosm:.0f}")

# sodium-fall limit and tomorrow's target
limit = 10
lo12, hi12 = 8, 12
assert lo12 <= limit <= hi12 and 0.5 * 24 <= hi12
has(rubric["c12"]["tolerance"], "8-12 mmol/L per 24 h", "c12 tolerance")
has(ref, f"no more than {limit} mmol/L in 24 h")
has(ref, "faster than 0.5 mmol/L/h")
assert na_amu - limit == 144
has(ref, "about 144-146 by 21:40 tomorrow")

# --- kidney -----------------------------------------------------------------------------------
ratio = cr_ed / cr_gp
assert 1.5 <= ratio < 2.0  # KDIGO stage 1
has(ref, f"Creatinine {cr_ed:.0f} against a baseline of {cr_gp:.0f}: ratio {ratio:.2f}, KDIGO stage 1. Now {cr_amu:.0f}.")
crcl = (140 - age) * weight * 1.04 / cr_ed  # Cockcroft-Gault, umol/L form, female
assert round(crcl) == 18
has(ref, f"(140-{age}) x {weight:.0f} x 1.04 / {cr_ed:.0f} = {round(crcl)} mL/min")
crcl_amu = (140 - age) * weight * 1.04 / cr_amu
assert 17 <= crcl <= 20 and 17 <= crcl_amu <= 20
has(rubric["c20"]["tolerance"], "17-20 mL/min", "c20 tolerance")
has(ref, f"CK of {ck:,.0f}")

# --- calcium ----------------------------------------------------------------------------------
adj = ca_ed + 0.02 * (40 - alb_ed)
assert f"{adj:.2f}" == "2.72"
has(ref, f"Adjusted calcium = {ca_ed:.2f} + 0.02 x (40 - {alb_ed:.0f}) = {adj:.2f} mmol/L")
assert 2.70 <= adj <= 2.74
has(rubric["c14"]["tolerance"], "2.70-2.74", "c14 tolerance")
assert abs(ca_gp + 0.02 * (40 - alb_gp) - adj_ca_gp) < 0.005
has(ref, f"GP September 2025 adjusted calcium was {adj_ca_gp:.2f}")
has(ed, "Ca 2.50 - normal", "material")
has(dc2024, "PTH 9.4 pmol/L")
has(ref, "PTH was 9.4")

# --- heart, anticoagulation, other numbers ------------------------------------------------------
has(ed, "ventricular rate 46, QTc 489 ms", "material")
has(amu, "HR 44, BP 101/58", "material")
has(ref, "slow AF at 44-46 with QTc 489")
has(ref, "QTc 489")
has(ref, "(BP 101-104 systolic)")
# apixaban dose reduction: two of age >= 80, weight <= 60 kg, creatinine >= 133 umol/L
criteria = [age >= 80, weight <= 60, cr_ed >= 133]
assert sum(criteria) >= 2 and 15 <= crcl <= 29
has(ref, f"Age {age} and weight {weight:.0f} kg meet the dose-reduction criteria")
has(ref, f"CrCl {round(crcl)} is within the 15-29 band")
assert weight > 50  # a 4 g/day ceiling is allowed by weight; 3 g/day is the frail-elderly choice
has(ref, f"maximum 3 g/day at {weight:.0f} kg")
has(ref, f"CRP {crp:.0f} with normal WCC")
has(ref, f"(TSH {tsh_ed})")
has(dc2024, "target level 0.4-0.8 mmol/L")

print("hc-dx-0101: all numbers recomputed and found in the reference")
