"""Check script for law-dr-0101 (round 2): parses the task's own SiteLog DDR export (one line per work front per day,
9 March to 23 October 2026), applies the contract's rules to every line, and recomputes the extension item by item,
the Date for Completion and delay damages on each scenario (merits; after a targeted Notice of Dissatisfaction), the
cap, the over-deduction and the settlement comparison. Asserts every figure the reference and rubric use, that the
edge rows sit at the line numbers the reference cites, and that each figure appears in the reference answer."""

import csv
import datetime as dt
import io
import json
import re
import sys

task = json.load(open(sys.argv[1], encoding="utf-8"))
att = {a["name"]: a["content"] for a in task["attachments"]}
ref = task["reference_answer"]
rub = {c["id"]: c for c in task["rubric"]}
PRINT = "--print" in sys.argv


def get(prefix):
    hits = [v for k, v in att.items() if k.startswith(prefix)]
    assert len(hits) == 1, prefix
    return hits[0]


fc, ge, ipc, ed04 = get("Email: F. Corrance"), get("Email: G. Ellery"), get("Brackwater IPC-14"), get("Engineer's determination ED-04")
contract, js1, ot, reg, eot3, ddr = (get("Contract BWS/KY/22"), get("Joint Statement JS-1"), get("Email: O. Tally"),
                                     get("Corrance outgoing letters"), get("EOT-3 summary"), get("SiteLog Daily Delay Record"))
D = dt.date
REF_OK = not PRINT


def has(text, s):
    assert s in text, f"not found: {s!r}"


def inref(s):
    if REF_OK:
        has(ref, s)


def money(n):
    return f"£{n:,.0f}"


def long_date(d):
    return f"{d.strftime('%A')} {d.day} {d.strftime('%B %Y')}"


def short_date(d):
    return f"{d.strftime('%a')} {d.day} {d.strftime('%b')}"


# --- contract terms, read from the Appendix and Conditions -----------------------------------------------------
DFC = D(2026, 7, 24)
has(contract, "Date for Completion: Friday 24 July 2026")
has(contract, "Holiday Shutdown: Monday 27 July 2026 to Friday 7 August 2026 inclusive")
SHUT = {D(2026, 7, 27) + dt.timedelta(days=i) for i in range(12)}
hol_line = re.search(r"Public Holidays: (.*)", contract).group(1).replace(" and ", ", ")
HOL = set()
for x in hol_line.split(","):
    x = x.strip()
    if x:
        HOL.add(dt.datetime.strptime(x if x.endswith("2026") else x + " 2026", "%d %B %Y").date())
assert HOL == {D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4), D(2026, 5, 25), D(2026, 8, 31), D(2026, 12, 25), D(2026, 12, 28)}, HOL
allow_line = re.search(r"Weather Allowance.*", contract).group(0)
MONTHS = ["March", "April", "May", "June", "July", "August", "September", "October"]
allow = {MONTHS.index(m) + 3: int(n) for m, n in re.findall(r"(" + "|".join(MONTHS) + r") (\d)", allow_line)}
assert allow == {3: 3, 4: 3, 5: 2, 6: 2, 7: 2, 8: 2, 9: 3, 10: 3}
has(contract, "Normal Working Hours: 07:30 to 17:30, Monday to Friday")
NWH = 10.0
for s in ["rainfall of 10.0 mm or more", "less than half of the Normal Working Hours is lost shall be disregarded",
          "concurrent with a Contractor Delay shall not be taken into account", "added to the Date for Completion then current",
          "The period of suspension ends on the day before that date", "by reason of a default of the Contractor",
          "A communication takes effect when it is received at the address to which it must be delivered",
          "within 28 days after receiving the determination", "shall be severable from the remainder",
          "any part of it not identified in a Notice of Dissatisfaction given by either Party within the period of 28 days, shall be final and binding on both Parties",
          "other than a determination or part that has become final and binding under Sub-Clause 20.4",
          "Each Party shall bear its own costs", "to agree procedures for notices under Sub-Clause 20.1", "not later than 14 days after",
          "up to and including the date of completion stated in the Taking-Over Certificate", "Time shall not become at large"]:
    has(contract, s)
RATE = int(re.search(r"Delay damages: £([\d,]+) per day", contract).group(1).replace(",", ""))
ACA = float(re.search(r"Accepted Contract Amount: £([\d,.]+)", contract).group(1).replace(",", ""))
CAP = round(ACA * 0.08)
assert RATE == 9500 and CAP == 513000 and CAP // RATE == 54
has(contract, "Maximum amount of delay damages: 8 % of the Accepted Contract Amount")
has(contract, "Address for communications: tenders@corrance-ce.example")
has(contract, "Employer-supplied items: telemetry outstations (RTU, 2 no.), delivered to the Site by Friday 21 August 2026")


def is_wd(d):
    return d.weekday() < 5 and d not in SHUT and d not in HOL


def fwd(d, n):
    while n > 0:
        d += dt.timedelta(days=1)
        if is_wd(d):
            n -= 1
    return d


# --- the DDR export ---------------------------------------------------------------------------------------------
rows = list(csv.DictReader(io.StringIO(ddr[ddr.index("row,entry_id,"):])))
N_ROWS = len(rows)
assert [int(r["row"]) for r in rows] == list(range(1, N_ROWS + 1))
assert 350 <= N_ROWS <= 600
for r in rows:
    r["d"] = D.fromisoformat(r["date"])
    assert r["d"].strftime("%a") == r["day"], r
# one gauge reading per day, repeated on every line of that day
by_day = {}
for r in rows:
    by_day.setdefault(r["d"], set()).add(r["rain_mm"])
assert all(len(v) == 1 for v in by_day.values())
ids = [r["entry_id"] for r in rows]
dups = sorted({i for i in ids if ids.count(i) > 1})
assert len(dups) == 1
DUP = dups[0]
dup_rows = [int(r["row"]) for r in rows if r["entry_id"] == DUP]
assert len(dup_rows) == 2 and dup_rows[1] == dup_rows[0] + 1
a, b = rows[dup_rows[0] - 1], rows[dup_rows[1] - 1]
assert {k: v for k, v in a.items() if k != "row"} == {k: v for k, v in b.items() if k != "row"} and a["date"] == "2026-09-16"
entries, seen = [], set()
for r in rows:
    if r["entry_id"] not in seen:
        seen.add(r["entry_id"])
        entries.append(r)
N_ENTRIES = len(entries)
assert N_ENTRIES == N_ROWS - 1
TOC = D(2026, 10, 16)
has(js1, "Completion was achieved on Friday 16 October 2026")
has(js1, "the work front marked crit = Y")


def row(n):
    return rows[n - 1]


def find(date, front):
    hits = [r for r in rows if r["date"] == date and r["front"] == front]
    assert hits, (date, front)
    return int(hits[0]["row"])


def hours(r):
    v = r["lost"]
    h = float(v[:-2]) if v.endswith(" h") else float(v) * NWH
    m = re.search(r"stood down (\d\d):(\d\d)", r["comment"])
    if m and h:  # the site's own stand-down time governs the hours lost
        h = min(h, 17.5 - (int(m.group(1)) + int(m.group(2)) / 60))
    m = re.search(r"arrived (\d\d):(\d\d)", r["comment"])
    if m and h:
        h = min(h, int(m.group(1)) + int(m.group(2)) / 60 - 7.5)
    return h


# every Working Day up to completion has exactly one critical line
crit = {}
for r in entries:
    if r["crit"] == "Y":
        assert r["d"] not in crit, r
        crit[r["d"]] = r
d = D(2026, 3, 9)
while d <= TOC:
    if is_wd(d):
        assert d in crit, d
    d += dt.timedelta(days=1)

# --- facts read from the other documents ---------------------------------------------------------------------------
def notice(ref_):
    m = re.search(re.escape(ref_) + r"\s+(\d\d-\w\w\w-\d\d)", reg)
    return dt.datetime.strptime(m.group(1), "%d-%b-%y").date()


has(reg, "CEL/L/002   13-Mar-26   BWS (H. Amadi)"); has(reg, "from 16 March 2026 please send all communications to ky22@corrance-ce.example")
ADDR_CHANGE = D(2026, 3, 16)
# EI-09: hold lifted by ER/L/033, received at ky22@ on 13 April 17:02 (found 16 April)
r_rel = [r for r in entries if "ER/L/033" in r["comment"]]
assert len(r_rel) == 1
ROW_REL = int(r_rel[0]["row"])
m = re.search(r"sent \w\w\w (\d\d)/(\d\d) (\d\d):(\d\d)", r_rel[0]["comment"])
RELEASE = dt.datetime(2026, int(m.group(2)), int(m.group(1)), int(m.group(3)), int(m.group(4)))
assert RELEASE == dt.datetime(2026, 4, 13, 17, 2) and RELEASE.date() >= ADDR_CHANGE and r_rel[0]["d"] == D(2026, 4, 16)
assert "ky22@" in r_rel[0]["comment"]
# S-02: resumption date from EI-26, in a shutdown line
r26 = [r for r in entries if "EI-26 by email" in r["comment"]]
assert len(r26) == 1 and r26[0]["d"] in SHUT
m = re.search(r"resume river crossing \w\w\w (\d\d)/(\d\d)", r26[0]["comment"])
RESUME = D(2026, int(m.group(2)), int(m.group(1)))
assert RESUME == D(2026, 8, 10)
ROW_EI26 = int(r26[0]["row"])
# ER's DDR notice arrangement
has(ot, "With effect from Monday 10 August 2026"); has(ot, "each Daily Delay Record that I countersign")
DDR_NOTICE_FROM = D(2026, 8, 10)
# notices
n09, n17, nhf, n31, nwt = notice("CEL/N/003"), notice("CEL/N/012"), notice("CEL/N/015"), notice("CEL/N/017"), notice("CEL/N/018")
assert (n09 - D(2026, 4, 7)).days == 3
assert (n17 - D(2026, 6, 19)).days == 21 and (n17 - D(2026, 6, 29)).days == 11
assert (nhf - D(2026, 7, 6)).days == 25 and (nhf - D(2026, 7, 14)).days == 17
assert (n31 - D(2026, 9, 14)).days == 4 and (nwt - D(2026, 10, 5)).days == 2
has(ipc, "EI-17 was notified on 10 July, 21 days after the instruction was issued on 19 June")

# --- the assessment: every critical line of every Working Day, each day counted once ------------------------------
ITEMS = ["Weather", "EI-09", "EI-22", "S-01", "EI-17", "HF", "S-02", "RTU", "PTW", "EI-31", "WT"]
wxdays = {m: [] for m in range(3, 11)}
item_days = {k: [] for k in ITEMS}
why = {}  # date -> reason a claimed day does not count
for d_, r in sorted(crit.items()):
    if d_ > TOC or not is_wd(d_):
        continue
    h = hours(r)
    causes = set(r["cause"].split("/")) - {"-"}
    refs = [x.strip() for x in re.split(r"[;/]", r["event_ref"]) if x.strip()]
    if not causes:
        continue
    if h < NWH / 2:
        why[d_] = "less than half a day"
        continue
    if "CON" in causes:
        why[d_] = "concurrent" if causes != {"CON"} else "Contractor"
        continue
    if causes == {"WX"}:
        if float(r["rain_mm"]) >= 10.0:
            wxdays[d_.month].append(d_)
        else:
            why[d_] = "below 10.0 mm"
        continue
    first = refs[0]
    if first == "EI-24":  # S-02; a rainy suspension day is an S-02 day, not a Weather Day (counted once)
        if d_ >= RESUME:
            why[d_] = "after resumption"
        else:
            item_days["S-02"].append(d_)
        continue
    if first == "EI-19":
        why[d_] = "8.9"
        continue
    if first == "ACC-HF":
        assert (nhf - D(2026, 7, 6)).days > 14 and d_ < DDR_NOTICE_FROM
        why[d_] = "time-barred"
        continue
    if first == "EI-09":
        if d_ > RELEASE.date():
            why[d_] = "hold lifted"
        else:
            item_days["EI-09"].append(d_)
        continue
    key = {"EI-17": "EI-17", "FI-RTU": "RTU", "PTW-01": "PTW", "EI-31": "EI-31", "OPS-WT": "WT"}[first]
    if key in ("RTU", "PTW"):
        assert r["er_sig"] == "Y" and d_ >= DDR_NOTICE_FROM  # countersigned DDR = 20.1 notice
    item_days[key].append(d_)

WX_EXCESS = {m: max(0, len(v) - allow[m]) for m, v in wxdays.items()}
assert {m: len(v) for m, v in wxdays.items()} == {3: 4, 4: 3, 5: 3, 6: 3, 7: 2, 8: 1, 9: 0, 10: 0}, wxdays
assert WX_EXCESS == {3: 1, 4: 0, 5: 1, 6: 1, 7: 0, 8: 0, 9: 0, 10: 0}
assert wxdays[3] == [D(2026, 3, 10), D(2026, 3, 18), D(2026, 3, 23), D(2026, 3, 31)]
assert wxdays[4] == [D(2026, 4, 1), D(2026, 4, 21), D(2026, 4, 27)]
assert wxdays[5] == [D(2026, 5, 7), D(2026, 5, 12), D(2026, 5, 20)]
assert wxdays[6] == [D(2026, 6, 9), D(2026, 6, 12), D(2026, 6, 22)]
assert wxdays[7] == [D(2026, 7, 15), D(2026, 7, 16)] and wxdays[8] == [D(2026, 8, 18)]
WEATHER = sum(WX_EXCESS.values())
MERITS = {k: len(v) for k, v in item_days.items()}
MERITS["Weather"] = WEATHER
assert MERITS == {"Weather": 3, "EI-09": 3, "EI-22": 0, "S-01": 0, "EI-17": 5, "HF": 0, "S-02": 5, "RTU": 3, "PTW": 0, "EI-31": 3,
                  "WT": 1}, MERITS
assert item_days["EI-09"] == [D(2026, 4, 8), D(2026, 4, 10), D(2026, 4, 13)]
assert item_days["RTU"] == [D(2026, 8, 24), D(2026, 8, 27), D(2026, 8, 28)]
assert item_days["S-02"] == [D(2026, 7, 20 + i) for i in range(5)]
assert item_days["WT"] == [D(2026, 10, 5)]
assert why[D(2026, 4, 9)] == "concurrent" and why[D(2026, 4, 14)] == why[D(2026, 4, 15)] == "hold lifted"
assert why[D(2026, 8, 25)] == why[D(2026, 8, 26)] == "concurrent" and why[D(2026, 8, 10)] == "after resumption"
assert why[D(2026, 9, 1)] == why[D(2026, 10, 6)] == why[D(2026, 6, 18)] == why[D(2026, 7, 17)] == why[D(2026, 4, 28)] == "less than half a day"
assert why[D(2026, 3, 24)] == why[D(2026, 6, 24)] == "below 10.0 mm"
# PTW-01's two full days are days already lost to the RTU (one day, counted once)
ptw_full = [d_ for d_, r in crit.items() if "PTW-01" in r["event_ref"] and hours(r) >= 5]
assert ptw_full == [D(2026, 8, 27), D(2026, 8, 28)] and set(ptw_full) <= set(item_days["RTU"])
# EI-22: the PS lines are off the critical path; the critical RM line lost nothing on those days
ei22 = [r for r in entries if r["event_ref"] == "EI-22"]
assert len(ei22) == 4 and all(r["crit"] == "N" and r["front"] == "PS" for r in ei22)
assert all(crit[r["d"]]["front"] == "RM" and crit[r["d"]]["cause"] in ("-", "CON") for r in ei22)
# the non-critical lines with time lost change nothing
noncrit_lost = [r for r in entries if r["crit"] == "N" and r["lost"] != "0"]
assert len(noncrit_lost) >= 10
HAZ = [r for r in entries if r["crit"] == "N" and "WX" in r["cause"] and crit.get(r["d"]) and crit[r["d"]]["cause"] == "WX"]
assert len(HAZ) >= 3  # WX on two fronts on the same day: one Weather Day

TOTAL = sum(MERITS.values())
assert TOTAL == 23
WORST = TOTAL - MERITS["EI-17"]
assert WORST == 18

# --- ED-04, EOT-3 and the targeted NOD ---------------------------------------------------------------------------
ED = {"Weather": 2.0, "EI-09": 0, "EI-22": 0, "S-01": 0, "EI-17": 0, "HF": 0, "S-02": 6.0, "RTU": 0, "PTW": 0, "EI-31": 0, "WT": 2.0}
has(ed04, "I determine an extension of 10 Working Days"); has(ed04, "to Friday 21 August 2026")
has(ed04, "1     Weather, March to July                   10.0          2.0")
has(ed04, "7     S-02, river crossing (EI-24/EI-26)       16.0          6.0")
has(ed04, "11    BWS operations, witness test              2.0          2.0")
has(ed04, "Total                                    62.5         10.0")
has(ed04, "12 May    10.0 mm                  no pipe-laying; not above 10 mm, so not a Weather Day")
has(ed04, "20 July to 10 August 2026")
has(ed04, "To: ky22@corrance-ce.example; contracts@brackwater.example")
has(ed04, "Sent: Tue 27 Oct 2026 15:10")
assert sum(ED.values()) == 10
NOD_ITEMS = [k for k in ITEMS if MERITS[k] > ED[k]]
LOCK_ITEMS = [k for k in ITEMS if MERITS[k] < ED[k]]
assert NOD_ITEMS == ["Weather", "EI-09", "EI-17", "RTU", "EI-31"] and LOCK_ITEMS == ["S-02", "WT"]
POS = {k: (MERITS[k] if k in NOD_ITEMS else ED[k]) for k in ITEMS}
POS_TOTAL = int(sum(POS.values()))
POS_WORST = POS_TOTAL - MERITS["EI-17"]
assert POS_TOTAL == 25 and POS_WORST == 20

# EOT-3 as Tomasz built it: critical lines by event as entered, duplicate included, hours to the nearest half day
def half(x):
    return round(x * 2) / 2


eot_wx = {m: 0.0 for m in range(3, 11)}
eot = {k: 0.0 for k in ITEMS if k != "Weather"}
for r in rows:
    if r["d"] > TOC:
        continue
    v = r["lost"]
    x = half(float(v[:-2]) / NWH) if v.endswith(" h") else float(v)
    if not x:
        continue
    causes = set(r["cause"].split("/"))
    if r["crit"] == "Y" and "WX" in causes:
        eot_wx[r["d"].month] += x
    refs = [y.strip() for y in re.split(r"[;]", r["event_ref"]) if y.strip()]
    for y in refs:
        y = y.split("/")[0]
        k = {"EI-09": "EI-09", "EI-22": "EI-22", "EI-19": "S-01", "EI-17": "EI-17", "ACC-HF": "HF", "EI-24": "S-02", "FI-RTU": "RTU",
             "PTW-01": "PTW", "EI-31": "EI-31", "OPS-WT": "WT"}.get(y)
        if k and (r["crit"] == "Y" or k == "EI-22"):
            eot[k] += x
eot_weather = sum(max(0.0, v - allow[m]) for m, v in eot_wx.items())
assert {m: v for m, v in eot_wx.items() if v} == {3: 6.0, 4: 3.5, 5: 3.0, 6: 6.0, 7: 3.5, 8: 1.0}
assert eot_weather == 10.0
assert eot == {"EI-09": 6.0, "EI-22": 4.0, "S-01": 2.0, "EI-17": 5.0, "HF": 6.0, "S-02": 16.0, "RTU": 5.0, "PTW": 2.5, "EI-31": 4.0,
               "WT": 2.0}, eot
EOT_TOTAL = eot_weather + sum(eot.values())
assert EOT_TOTAL == 62.5
has(eot3, "Mar 6.0-3 = 3.0; Apr 3.5-3 = 0.5;"); has(eot3, "Jul 3.5-2 = 1.5; total 10.0")
has(eot3, "      Total                                                      62.5")
EOT_DFC = fwd(DFC, 63)
assert EOT_DFC == D(2026, 11, 5) and EOT_DFC > TOC
has(eot3, "Thursday 5 November 2026")

# --- dates and damages ----------------------------------------------------------------------------------------------
def case(n):
    e = fwd(DFC, n)
    days = max(0, (TOC - e).days)
    return e, days, min(days * RATE, CAP)


cases = {n: case(n) for n in (POS_TOTAL, POS_WORST, TOTAL, WORST, 10)}
assert cases[25] == (D(2026, 9, 14), 32, 304000)
assert cases[20] == (D(2026, 9, 7), 39, 370500)
assert cases[23] == (D(2026, 9, 10), 36, 342000)
assert cases[18] == (D(2026, 9, 3), 43, 408500)
ED_E, ED_DAYS, _ = case(10)
assert ED_E == D(2026, 8, 21) and ED_DAYS == 56 and ED_DAYS * RATE == 532000 > CAP
OVER = ED_DAYS * RATE - CAP
assert OVER == 19000
has(ipc, "Friday 21 August 2026"); has(ipc, "up to and including 16 Oct   56"); has(ipc, "£532,000.00")
has(ipc, "Contract Price at IPC-14 £7,021,300.00)   £561,704.00")
assert round(7021300 * 0.08) == 561704
CERT = 612880.40
has(ipc, "£612,880.40"); has(ipc, "£80,880.40")
assert round(CERT - ED_DAYS * RATE, 2) == 80880.40 and round(CERT - CAP, 2) == 99880.40
naive = DFC + dt.timedelta(days=POS_TOTAL)
assert naive == D(2026, 8, 18)

# one Working Day's value at the margin, and EI-17's swing
EI17_POS = cases[20][2] - cases[25][2]
EI17_MER = cases[18][2] - cases[23][2]
assert EI17_POS == 66500 and EI17_MER == 66500
LOCK_VALUE = cases[23][2] - cases[25][2]
assert LOCK_VALUE == 38000 and cases[18][2] - cases[20][2] == 38000

# --- settlement ------------------------------------------------------------------------------------------------------
OFFER = int(re.search(r"accept £([\d,]+) in full and final", ge).group(1).replace(",", ""))
COST = int(re.search(r"cost us about £([\d,]+) all in", fc).group(1).replace(",", ""))
assert OFFER == 410000 and COST == 15000
has(ge, "all claims between us arising out of or in connection with delay to completion"); has(fc, "LE-2 (£212,400")
assert ED_DAYS * RATE - OFFER == 122000; has(ge, "(£122,000)")
POS_WALK = cases[20][2] + COST
POS_BEST = cases[25][2] + COST
MER_WALK = cases[18][2] + COST
MER_BEST = cases[23][2] + COST
assert POS_WALK == 385500 < OFFER and OFFER - POS_WALK == 24500
assert MER_WALK == 423500 > OFFER and MER_WALK - OFFER == 13500
assert POS_BEST == 319000 and MER_BEST == 357000
P = 0.6
EV_POS = round(P * cases[25][2] + (1 - P) * cases[20][2])
EV_MER = round(P * cases[23][2] + (1 - P) * cases[18][2])
assert EV_POS == 330600 and EV_MER == 368600 and EV_MER + COST == 383600 < OFFER
REPAY_OPEN = ED_DAYS * RATE - cases[25][2]
assert REPAY_OPEN == 228000
assert ED_DAYS * RATE - POS_WALK == 146500

# --- Notice of Dissatisfaction -----------------------------------------------------------------------------------------
nod = D(2026, 10, 27) + dt.timedelta(days=28)
assert nod == D(2026, 11, 24) and nod.strftime("%a") == "Tue" and nod < D(2026, 11, 26)
has(fc, "Thursday 26 November"); has(ge, "Monday 30 November 2026"); has(ge, "WITHOUT PREJUDICE SAVE AS TO COSTS")
# Brackwater's own window: ED-04 reached its notified address (BWS/L/152) only when re-sent on 2 November
has(ed04, "To: commercial.ky22@brackwater.example"); has(ed04, "Sent: Mon 2 Nov 2026 09:12"); has(ed04, "BWS/L/152 of 28 September")
has(ed04, "contracts@ is no longer monitored"); has(fc, "take him through your event-by-event table on the 26th")
RESENT = D(2026, 11, 2)
assert RESENT.strftime("%a") == "Mon" and ed04.index("Sent: Mon 2 Nov 2026") < ed04.index("Sent: Tue 27 Oct 2026 15:10")
bw_nod = RESENT + dt.timedelta(days=28)
assert bw_nod == D(2026, 11, 30) and bw_nod.strftime("%A") == "Monday" and bw_nod > D(2026, 11, 26) > nod
has(ge, "17:00 on Monday 30 November 2026")  # the offer lapses on the last day of Brackwater's window
# the same receipt rule that fixes Brackwater's window is the one Corrance's EI-17 case and EI-09's 14-15 April rest on
has(task["attachments"][[a["name"] for a in task["attachments"]].index("Contract BWS/KY/22: Appendix and Conditions (extracts)")]["content"],
    "A communication takes effect when it is received at the address to which it must be delivered.")
assert EV_MER + COST - OFFER < 0 and MER_WALK - OFFER == 13500 and OFFER - (EV_MER + COST) == 26400
has(task["prompt"], "Today is Wednesday 18 November 2026")
assert D(2026, 11, 23).strftime("%A") == "Monday"

# --- edge rows at the line numbers the reference cites -------------------------------------------------------------------
LINES = {
    "14 Mar": find("2026-03-14", "PS"), "24 Mar": find("2026-03-24", "PS"), "3 Apr": find("2026-04-03", "ALL"),
    "9 Apr": find("2026-04-09", "PS"), "14 Apr": find("2026-04-14", "PS"), "15 Apr": find("2026-04-15", "PS"),
    "16 Apr": ROW_REL, "28 Apr": find("2026-04-28", "RM"), "4 May": find("2026-05-04", "ALL"), "12 May": find("2026-05-12", "RM"),
    "13 Jun": find("2026-06-13", "RM"), "18 Jun": find("2026-06-18", "RM"), "24 Jun": find("2026-06-24", "RM"),
    "25 Jun": find("2026-06-25", "RM"), "29 Jun": find("2026-06-29", "RM"), "6 Jul": find("2026-07-06", "RM"),
    "13 Jul": find("2026-07-13", "RM"), "17 Jul": find("2026-07-17", "RM"), "21 Jul": find("2026-07-21", "RM"),
    "27 Jul": find("2026-07-27", "RM"), "7 Aug": find("2026-08-07", "RM"), "5 Aug": ROW_EI26, "10 Aug": find("2026-08-10", "RM"),
    "18 Aug": find("2026-08-18", "RM"), "24 Aug": find("2026-08-24", "ME"), "25 Aug": find("2026-08-25", "ME"),
    "27 Aug": find("2026-08-27", "ME"), "28 Aug": find("2026-08-28", "ME"), "1 Sep": find("2026-09-01", "ME"),
    "2 Sep": find("2026-09-02", "ME"), "16 Sep": dup_rows[0], "6 Oct": find("2026-10-06", "ME"), "5 Oct": find("2026-10-05", "ME"),
    "2 Jun PS": find("2026-06-02", "PS"), "5 Jun PS": find("2026-06-05", "PS"), "20 Oct": find("2026-10-20", "ME"),
}
r18 = row(LINES["18 Jun"])
assert float(r18["rain_mm"]) == 11.5 and "stood down 15:45" in r18["comment"] and "EX-3 7.5" in r18["plant_hrs"] and hours(r18) == 1.75
has(ed04, "18 Jun     4.0 mm                  showers pm; pipe-laying continued")
assert float(row(LINES["12 May"])["rain_mm"]) == 10.0 and float(row(LINES["24 Mar"])["rain_mm"]) == 9.8
assert row(LINES["14 Mar"])["day"] == "Sat" and row(LINES["13 Jun"])["day"] == "Sat"
assert row(LINES["21 Jul"])["cause"] == "SUSP/WX" and float(row(LINES["21 Jul"])["rain_mm"]) == 13.2
assert hours(row(LINES["6 Oct"])) == 4.5 and hours(row(LINES["1 Sep"])) == 3.5 and hours(row(LINES["28 Apr"])) == 4.0
assert "tenders@ only" in row(LINES["29 Jun"])["comment"] and "not as TW design TW-07" in row(LINES["25 Jun"])["comment"]
assert "dewatering pumps" in row(LINES["10 Aug"])["comment"] and "ordered" not in row(LINES["10 Aug"])["comment"]
assert "DW-2 failed" in row(LINES["9 Apr"])["comment"] and row(LINES["20 Oct"])["d"] > TOC
assert row(LINES["2 Sep"])["lost"] == "0" and float(row(LINES["2 Sep"])["rain_mm"]) == 14.5
assert row(LINES["3 Apr"])["comment"].startswith("Bank holiday") and float(row(LINES["3 Apr"])["rain_mm"]) == 15.2

# --- print the figures (authoring aid) --------------------------------------------------------------------------------
if PRINT:
    print("rows", N_ROWS, "entries", N_ENTRIES, "dup", DUP, dup_rows)
    print("weather", {m: [x.day for x in v] for m, v in wxdays.items()}, WX_EXCESS)
    print("merits", MERITS, TOTAL, WORST, "pos", POS, POS_TOTAL, POS_WORST)
    print({k: (v[0].isoformat(), v[1], v[2]) for k, v in cases.items()})
    print("lines", LINES)
    print("noncrit lost", len(noncrit_lost), "haz", len(HAZ))
    sys.exit(0)

# --- the reference states every figure -----------------------------------------------------------------------------------
for s in [long_date(nod), long_date(cases[25][0]), long_date(cases[20][0]), long_date(cases[23][0]), long_date(cases[18][0]),
          f"{N_ROWS} lines", f"{N_ENTRIES} entries", DUP, "is 23 Working Days", "**18 Working Days**", "is 25 Working Days",
          "**20 Working Days**", f"32 days x £9,500 = {money(cases[25][2])}", f"39 days x £9,500 = {money(cases[20][2])}",
          f"36 days x £9,500 = {money(cases[23][2])}", f"43 days x £9,500 = {money(cases[18][2])}", "56 days, £532,000", money(CAP),
          "£6,412,500", "£561,704", "£7,021,300", "**£19,000**", "£99,880.40", "£80,880.40",
          f"£370,500 + £15,000 = **{money(POS_WALK)}**", f"£408,500 + £15,000 = **{money(MER_WALK)}**", "£24,500", "£13,500",
          f"{money(POS_BEST)}", f"{money(MER_BEST)}", "£330,600", "£368,600", "£383,600", "**£66,500**", "£38,000",
          "£228,000", "£146,500", "£122,000", "£212,400", "62.5", "Thursday 5 November 2026", "(18 August)",
          "3 Weather Days less the June allowance of 2 = 1", "four Weather Days (10, 18, 23 and 31 March)",
          "three Weather Days (7, 12 and 20 May)", "three Weather Days (1, 21 and 27 April)", "15 and 16 July",
          "at most 1.75 hours", "EX-3 working 7.5 h", "4.5 hours", "3.5 hours", "4.0 hours", "17:02 on Monday 13 April",
          "21 days", "day 11", "25 days", "17 days", "four days", "perhaps 60 %", "8, 10 and 13 April", "24, 27 and 28 August",
          "15, 16 and 17 September", "20 to 24 July", "Tuesday 24 November 2026", long_date(bw_nod), "£26,400",
          "commercial.ky22@brackwater.example", "BWS/L/152", "Do not accept £410,000 as offered", "up to **£410,000**",
          "Do not take Grant through the event-by-event table"]:
    has(ref, s)
for k, n in LINES.items():
    has(ref, f"line {n}")
for k in ("Weather", "EI-09", "EI-17", "RTU", "EI-31"):
    assert k in NOD_ITEMS
for s in ["| 1 Weather | 10.0 | 2.0 | **3** |", "| 2 EI-09 | 6.0 | 0 | **3** |", "| 3 EI-22 | 4.0 | 0 | **0** |",
          "| 4 S-01 / EI-19 | 2.0 | 0 | **0** |", "| 5 EI-17 | 5.0 | 0 | **5** |", "| 6 Hollins Farm | 6.0 | 0 | **0** |",
          "| 7 S-02 | 16.0 | 6.0 | **5** |", "| 8 Late RTU | 5.0 | 0 | **3** |", "| 9 PTW-01 | 2.5 | 0 | **0** |",
          "| 10 EI-31 | 4.0 | 0 | **3** |", "| 11 Witness test | 2.0 | 2.0 | **1** |", "| **Total** | **62.5** | **10.0** | **23** |"]:
    has(ref, s)
for s in ["| Position, no Brackwater NOD | 25 | Mon 14 Sep | 32 | £304,000 |", "| Position, EI-17 lost | 20 | Mon 7 Sep | 39 | £370,500 |",
          "| Merits, if Brackwater serves its own NOD | 23 | Thu 10 Sep | 36 | £342,000 |",
          "| Merits, EI-17 lost | 18 | Thu 3 Sep | 43 | £408,500 |", "| ED-04 | 10 | Fri 21 Aug | 56 | £532,000, capped at £513,000 |"]:
    has(ref, s)
assert short_date(cases[25][0]) == "Mon 14 Sep" and short_date(cases[18][0]) == "Thu 3 Sep"

# --- and the rubric uses the same figures ---------------------------------------------------------------------------------
for cid, s in [("c01", "10, 18, 23 and 31 March"), ("c03", "7, 12 and 20 May"), ("c05", "9, 12 and 22 June"), ("c07", "3 WD"),
               ("c09", "8, 10 and 13 April"), ("c18", "24, 27 and 28 August"), ("c22", "6 October"), ("c23", "23 Working Days"),
               ("c24", "Tuesday 24 November 2026"), ("c28", "25 Working Days"), ("c33", "20 WD"), ("c34", "18 WD"),
               ("c33", money(cases[20][2])), ("c34", money(cases[18][2])),
               ("c29", "Monday 14 September 2026"), ("c29", "Monday 7 September 2026"), ("c30", "£304,000"), ("c30", "£370,500"),
               ("c31", "£513,000"), ("c32", "£19,000"), ("c33", "£385,500"), ("c33", "£410,000"), ("c34", "£423,500"),
               ("c35", "£212,400"), ("c36", "62.5"), ("c25", long_date(bw_nod)),
               ("c27", "£38,000"), ("c34", "£368,600"), ("c34", "£410,000"), ("c38", "commercial.ky22@brackwater.example")]:
    has(rub[cid]["text"] + " " + rub[cid].get("tolerance", ""), s)
for cid, key in [("c01", "14 Mar"), ("c01", "24 Mar"), ("c02", "28 Apr"), ("c03", "12 May"), ("c04", "18 Jun"), ("c06", "21 Jul"),
                 ("c08", "9 Apr"), ("c09", "16 Apr"), ("c10", "2 Jun PS"), ("c16", "10 Aug"), ("c19", "1 Sep"), ("c21", "16 Sep"),
                 ("c22", "6 Oct")]:
    has(rub[cid]["text"], f"line {LINES[key]}")
assert len(rub) == 38, len(rub)
print("law-dr-0101: all checks passed")
