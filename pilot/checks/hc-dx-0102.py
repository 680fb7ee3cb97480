"""Check script for hc-dx-0102: recomputes every number of the reference and rubric.

Reads each input from the task's own attachments (the search table, the anticoagulation
export, the GP extracts, the letters), recomputes ages, creatinine clearances, weight loss,
blood-test ages, the dronedarone supply date and the monitoring intervals, and asserts each
figure appears in the reference answer as stated and sits inside its rubric tolerance.
"""
import datetime as dt
import json
import re
import sys

task = json.load(open(sys.argv[1], encoding="utf-8"))
email, search, anticoag, gp, letters = (a["content"] for a in task["attachments"])
ref = task["reference_answer"]
rubric = {c["id"]: c for c in task["rubric"]}
TODAY = dt.date(2026, 12, 1)


def has(text, s, where="reference"):
    assert s in text, f"not found in {where}: {s!r}"


def date(s):
    d, m, y = map(int, s.split("/"))
    return dt.date(y, m, d)


def age_on(dob, day=TODAY):
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def crcl(age, kg, creat, female):
    """Creatinine clearance (Cockcroft-Gault, actual weight, creatinine in umol/L)."""
    return (140 - age) * kg * (1.04 if female else 1.23) / creat


def in_range(x, tol_text, lo, hi):
    assert lo <= x <= hi, (x, lo, hi)
    has(tol_text, f"{lo:g}-{hi:g}", "tolerance")


has(task["prompt"], "Tuesday 1 December 2026", "prompt")
assert TODAY.strftime("%A") == "Tuesday"
has(ref, "Tuesday 01/12/2026")

# --- the search table: age, sex, weight, creatinine per patient ---------------------------------
rows = {}
for line in search.splitlines():
    m = re.match(r"([A-Z]+), [A-Za-z-]+ \| (\d+) \| ([MF]) \| .*? \| ([\d.]+) kg \(([\d/]+)\) \| (\d+) \(([\d/]+)\) \|", line)
    if m:
        rows[m.group(1)] = dict(age=int(m.group(2)), female=m.group(3) == "F", kg=float(m.group(4)),
                                kg_date=date(m.group(5)), cr=int(m.group(6)), cr_date=date(m.group(7)))
        assert line.rstrip().endswith("Edoxaban 60 mg OD"), line
assert set(rows) == {"HALLOWAY", "SOHAL", "CRESWELL", "AMBROSE", "PRYCE"}, rows
for name, r in rows.items():
    dob = date(re.search(name + r", [A-Za-z-]+ \(DOB ([\d/]+)\)", anticoag).group(1))
    has(gp, f"{name}, ", "GP extracts")
    assert age_on(dob) == r["age"], (name, age_on(dob), r["age"])
has(ref, "The search's suggestion was unsafe or wrong for all five")
for name, first in (("Halloway", "Doreen"), ("Sohal", "Rajinder"), ("Creswell", "Ann-Marie"),
                    ("Ambrose", "Victor"), ("Pryce", "Gwendolyn")):
    has(ref, f"| {first} {name}, {rows[name.upper()]['age']} |")

# --- 1. Halloway ----------------------------------------------------------------------------------
h = rows["HALLOWAY"]
assert (h["kg"], h["kg_date"], h["cr"]) == (71.0, dt.date(2021, 6, 14), 78)
m = re.search(r"Annual weight on clinic scales today ([\d.]+) kg \(10/03/2026: ([\d.]+) kg\)", anticoag)
kg_now, kg_march = float(m.group(1)), float(m.group(2))
has(anticoag, "Note 03/11 (RN S. Akhtar)", "anticoag export")
assert (kg_now, kg_march) == (58.4, 66.0)
has(ref, "71.0 kg, coded on 14/06/2021")
has(ref, "weighed her on 03/11/2026 at 58.4 kg (66.0 kg on 10/03/2026)")
c_now = crcl(h["age"], kg_now, h["cr"], True)
c_stale = crcl(h["age"], h["kg"], h["cr"], True)
c_march = crcl(h["age"], kg_march, h["cr"], True)
has(ref, f"CrCl = (140 - {h['age']}) x {kg_now} x 1.04 / {h['cr']} = {c_now:.1f} mL/min")
has(ref, f"With the stale 71.0 kg it would be {c_stale:.1f} mL/min")
assert f"{c_now:.1f}" == "43.6" and f"{c_stale:.1f}" == "53.0"
in_range(c_now, rubric["c02"]["tolerance"], 42, 45)
in_range(c_march, rubric["c02"]["tolerance"], 48, 50)
# edoxaban: 30 mg if weight <= 60 kg, CrCl 15-50 or a listed P-gp inhibitor; both weight and CrCl met
assert kg_now <= 60 and 15 <= c_now <= 50 and c_stale > 50  # stale weight alone explains the 60 mg
has(ref, f"weight 60 kg or less ({kg_now} kg) and CrCl 15-50 mL/min ({c_now:.1f})")
has(ref, "edoxaban 30 mg once daily")
loss = kg_march - kg_now
pct = 100 * loss / kg_march
months = (dt.date(2026, 11, 3) - dt.date(2026, 3, 10)).days / 30.44
assert f"{loss:.1f}" == "7.6" and f"{pct:.1f}" == "11.5" and round(months) == 8
has(ref, f"{loss:.1f} kg ({pct:.1f}%) in about {round(months)} months")
has(rubric["c04"]["tolerance"], "7.6 kg or about 11-12 %", "c04 tolerance")
has(gp, "albumin 34 g/L", "GP extracts")
has(gp, "Hb 118 g/L", "GP extracts")
has(ref, "albumin 34 and Hb 118")
assert h["cr_date"] == dt.date(2026, 9, 22)
assert (TODAY - h["cr_date"]).days <= 92
has(ref, "Her bloods of 22/09/2026 are within 3 months until 22/12/2026")
interval = c_now / 10
assert round(interval) == 4 and 3 <= interval <= 6
has(ref, f"Mrs Halloway (CrCl {c_now:.1f}): about every 4 months (CrCl/10)")
has(rubric["c27"]["tolerance"], "every 3-6 months", "c27 tolerance")

# --- 2. Sohal -------------------------------------------------------------------------------------
s = rows["SOHAL"]
assert (s["age"], s["kg"], s["cr"], s["female"]) == (67, 81.0, 64, False)
c_s = crcl(s["age"], s["kg"], s["cr"], False)
has(ref, f"CrCl = (140 - {s['age']}) x {s['kg']} x 1.23 / {s['cr']} = {c_s:.1f} mL/min (weight from 14/03/2025")
assert f"{c_s:.1f}" == "113.6" and c_s > 95
in_range(c_s, rubric["c06"]["tolerance"], 108, 120)
has(anticoag, "TTR 78%", "anticoag export")
has(ref, "TTR 78%")
# apixaban: reduce to 2.5 mg only with two of age >= 80, weight <= 60 kg, creatinine >= 133 umol/L
assert sum([s["age"] >= 80, s["kg"] <= 60, s["cr"] >= 133]) == 0
has(ref, f"(age {s['age']}, below 80; weight {s['kg']} kg, above 60; creatinine {s['cr']}, below 133)")
days_old = (TODAY - s["cr_date"]).days
assert s["cr_date"] == dt.date(2026, 8, 12) and days_old == 111 and days_old > 92
has(ref, f"(12/08/2026) are {days_old} days old")
has(rubric["c09"]["tolerance"], f"{days_old} days", "c09 tolerance")
has(anticoag, "flying 15/01/2027, back 28/02/2027", "anticoag export")
has(ref, "he flies on 15/01/2027")
has(ref, "(back 28/02/2027)")
has(ref, "once the INR is below 2.0 (rivaroxaban: 3.0 or less)")

# --- 3. Creswell ----------------------------------------------------------------------------------
for v in ("ratio 1.68", "anticardiolipin IgG 72 GPL", "anti-beta2-glycoprotein I IgG 51 U/mL",
          "Repeat on 23/11/2017", "letter dated 16/01/2018"):
    has(letters, v, "letters")
gap = (dt.date(2017, 11, 23) - dt.date(2017, 8, 21)).days
assert gap >= 84 and round(gap / 7) == 13  # persistence needs >= 12 weeks
has(ref, "all still positive at 13 weeks (23/11/2017)")
has(ref, "(dRVVT ratio 1.68), anticardiolipin IgG 72 and anti-beta2-glycoprotein I IgG 51")
has(gp, "Thrombophilia screen negative (03/2016)", "GP extracts")
has(ref, '"Thrombophilia screen negative (03/2016)"')
has(ref, "The haematology letter of 16/01/2018")

# --- 4. Ambrose -----------------------------------------------------------------------------------
a = rows["AMBROSE"]
assert (a["age"], a["kg"], a["cr"], a["female"]) == (79, 77.0, 112, False)
has(gp, "Results 12/05/2026: creatinine 101", "GP extracts")
cr_may = 101
c_a = crcl(a["age"], a["kg"], a["cr"], False)
c_a_may = crcl(a["age"], a["kg"], cr_may, False)
has(ref, f"CrCl = (140 - {a['age']}) x {a['kg']} x 1.23 / {a['cr']} = {c_a:.1f} mL/min; "
         f"on the May creatinine of {cr_may} it is {c_a_may:.1f} mL/min")
assert f"{c_a:.1f}" == "51.6" and f"{c_a_may:.1f}" == "57.2" and c_a > 50
in_range(c_a, rubric["c17"]["tolerance"], 50, 53)
in_range(c_a_may, rubric["c17"]["tolerance"], 56, 58)
rise = 100 * (a["cr"] / cr_may - 1)
assert round(rise) == 11
has(ref, f"The {round(rise)}% creatinine rise")
has(letters, "8 weeks supplied from the hospital pharmacy on 16/10/2026", "letters")
start = dt.date(2026, 10, 16)
has(anticoag, "27/10/2026  INR 3.4", "anticoag export")
assert (dt.date(2026, 10, 27) - start).days == 11
has(ref, "INR of 3.4 on 27/10/2026, 11 days after he started dronedarone")
has(anticoag, "24/11/2026  INR 2.7", "anticoag export")
has(ref, "still 2.7 (24/11/2026)")
last_day = start + dt.timedelta(days=8 * 7 - 1)
assert last_day == dt.date(2026, 12, 10)
has(ref, f"runs out about {last_day:%d/%m/%Y}")
has(ref, f"before about {last_day:%d/%m/%Y}")
has(rubric["c22"]["tolerance"], "10-11/12/2026 (56 days from 16/10/2026)", "c22 tolerance")
assert round(c_a / 10) == 5
has(ref, f"Mr Ambrose ({c_a:.1f}): about every 5-6 months")
has(letters, "clinic 14/10/2026, typed 29/10/2026 (scanned 06/11/2026)", "letters")
has(ref, "clinic 14/10/2026, filed on 06/11/2026")
has(gp, "Inferior myocardial infarction 03/2012 - PCI", "GP extracts")
has(ref, "his PCI was in 2012")

# --- 5. Pryce -------------------------------------------------------------------------------------
p = rows["PRYCE"]
for v in ("MVA 1.3 cm2 (planimetry), 1.2 cm2 (pressure half-time)", "Mean transmitral gradient 7 mmHg",
          "diameter 52 mm", "PASP 44 mmHg", "mitral valve area 1.8 cm2", "mean gradient 4 mmHg",
          "commissural fusion", "study 22/07/2026"):
    has(letters, v, "letters")
mva = 1.3
assert 1.0 <= mva <= 1.5  # moderate mitral stenosis band
has(ref, "mitral valve area of 1.3 cm2 by planimetry (1.2 cm2 by pressure half-time), a mean gradient of 7 mmHg")
has(ref, "(52 mm) and a PASP of 44 mmHg. A valve area of 1.0-1.5 cm2 is moderate stenosis")
has(ref, "(MVA 1.8 cm2, gradient 4 mmHg)")
has(gp, "NT-proBNP 1,180 ng/L", "GP extracts")
has(ref, "NT-proBNP 1,180")
c_p = crcl(p["age"], p["kg"], p["cr"], True)
assert f"{c_p:.1f}" == "50.7"
has(ref, f"Her CrCl ({c_p:.1f} mL/min) does not matter")

# --- rubric numbers not yet covered ---------------------------------------------------------------
has(rubric["c05"]["tolerance"], "INR <= 2.5", "c05 tolerance")
has(rubric["c10"]["tolerance"], "apixaban INR < 2.0; rivaroxaban (AF) INR <= 3.0; edoxaban INR <= 2.5", "c10 tolerance")
has(ref, "once the INR is 2.5 or less")
has(ref, "start edoxaban only once it is 2.5 or less")
has(email, "within the last 3 months", "email")

print("hc-dx-0102: all numbers recomputed and found in the reference")
