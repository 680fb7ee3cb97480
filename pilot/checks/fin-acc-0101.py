"""Check script for fin-acc-0101: recomputes the FY26 revenue cut-off from the task's own attachments.

Run: python pilot/checks/fin-acc-0101.py pilot/tasks/fin-acc-0101.json
It parses the sales ledger export, the Hallam POD report, the policy's rate table, the flash journals,
the contract terms and the facility extract, applies the rules to every line, and asserts every figure
that the reference answer and the rubric use, and that each appears in the reference as stated.
"""
import csv
import datetime as dt
import io
import json
import re
import sys
from decimal import Decimal as M

task = json.load(open(sys.argv[1], encoding="utf-8"))
att = {a["name"]: a["content"] for a in task["attachments"]}
ref = task["reference_answer"]
rub = {c["id"]: c for c in task["rubric"]}


def A(prefix):
    hits = [v for k, v in att.items() if k.startswith(prefix)]
    assert len(hits) == 1, prefix
    return hits[0]


def has(text, s):
    assert s in text, f"missing: {s!r}"


def D(s):
    return dt.datetime.strptime(s, "%d/%m/%Y").date() if s else None


def money(x):
    x = M(x)
    sign = "-" if x < 0 else ""
    return f"{sign}£{abs(x):,.2f}"


exp, pod_t, pol, flash, terms, fac, mail, cfo = (A("Sales ledger export"), A("Hallam Freight"), A("Group Accounting Manual"),
                                                   A("Flash management"), A("Customer contract terms"), A("Marlowe facilities"),
                                                   A("Sales operations emails"), A("Email: D. Achterberg"))
YE = dt.date(2026, 11, 30)

# --- the export ---------------------------------------------------------------------------------------------------
body = exp[exp.index("line,doc_no"):]
table = body[: body.index("\n\n")]
rows = list(csv.DictReader(io.StringIO(table)))
assert len(rows) == 100 and [int(r["line"]) for r in rows] == list(range(1, 101))
has(exp, "100 lines")
for r in rows:
    for k in ("doc_date", "po_date", "desp_date", "deliv_date"):
        r[k] = D(r[k])
    r["net"], r["vat"], r["std_cost"] = M(r["net"]), M(r["vat"]), M(r["std_cost"])
L = {int(r["line"]): r for r in rows}

# duplicates: identical apart from the line number
seen, dups = {}, []
for r in rows:
    key = tuple(v for k, v in r.items() if k != "line")
    if r["doc_no"] in seen:
        assert seen[r["doc_no"]] == key
        dups.append(int(r["line"]))
    seen[r["doc_no"]] = key
assert dups == [66] and L[65]["doc_no"] == L[66]["doc_no"] == "INV-261901"
docs = [r for r in rows if int(r["line"]) not in dups]
assert len(docs) == 99

# --- rates, journals, flash ---------------------------------------------------------------------------------------
m = re.search(r"Nov 26\s+([\d.]+)\s+([\d.]+)", pol)
EUR, USD = M(m.group(1)), M(m.group(2))
assert (EUR, USD) == (M("0.8700"), M("0.7600"))
RATE = {"GBP": M(1), "EUR": EUR, "USD": USD}


def gbp(r):
    return (r["net"] * RATE[r["curr"]]).quantize(M("0.01"))


J05 = M(re.search(r"Cr Deferred income\s+([\d,]+\.\d\d)", flash).group(1).replace(",", ""))
J06 = M(re.search(r"Cr Rebate accrual\s+([\d,]+\.\d\d)", flash).group(1).replace(",", ""))
assert (J05, J06) == (M("22000.00"), M("11268.50"))
has(flash, "JNL-1130-05  Kelloway Dairies annual service, INV-261840")
nov_uk = M(re.search(r"Harrowby Flow Technologies Ltd \(UK\)\s+([\d,]+\.\d\d)", flash).group(1).replace(",", ""))
nov_docs = sum(gbp(r) for r in docs if r["doc_date"] <= YE)
assert nov_docs == M("2452745.00") and nov_docs - J05 - J06 == nov_uk == M("2419476.50")
# with the duplicate the export would not reconcile
assert nov_docs + gbp(L[66]) != nov_uk

def num(pat, text):
    return M(re.search(pat, text).group(1).replace(",", ""))

GROUP_REV = num(r"Group revenue\s+[\d,]+\.\d\d\s+([\d,]+\.\d\d)", flash)
EBITDA = num(r"\nEBITDA\s+[\d,]+\.\d\d\s+([\d,]+\.\d\d)", flash)
assert GROUP_REV == M("34115060.50") and EBITDA == M("6204830.00")
uk12 = num(r"\(UK\)\s+[\d,]+\.\d\d\s+([\d,]+\.\d\d)", flash)
gm12 = num(r"GmbH\s+[\d,]+\.\d\d\s+([\d,]+\.\d\d)", flash)
cos12 = num(r"Cost of sales\s+\([\d,.]+\)\s+\(([\d,]+\.\d\d)\)", flash)
ovh12 = num(r"Overheads \(excluding D&A\)\s+\([\d,.]+\)\s+\(([\d,]+\.\d\d)\)", flash)
assert uk12 + gm12 == GROUP_REV and GROUP_REV - cos12 - ovh12 == EBITDA
ytd_oct = num(r"to 31 October ([\d,]+\.\d\d)", flash)
assert ytd_oct == M("521400.00")

# --- POD report ---------------------------------------------------------------------------------------------------
pods = {}
for line in pod_t.splitlines():
    if line.startswith("HF8"):
        f = [x.strip() for x in line.split("|")]
        pods[f[2]] = dict(cons=f[0], collected=f[1], delivered=f[5], signed=f[6], notes=f[7])
assert len(pods) == 29 and "29 consignments" in pod_t


def pod_date(desp_no):
    d = pods[desp_no]["delivered"][:5]
    return dt.date(2026, int(d[3:5]), int(d[:2]))


# --- contract terms -----------------------------------------------------------------------------------------------
EFF = dt.datetime.strptime(re.search(r'"Effective Date" means (\d+ \w+ \d{4})', terms).group(1), "%d %B %Y").date()
assert EFF == dt.date(2026, 11, 2)
has(terms, "Purchase Orders issued before the Effective Date, whenever delivered, remain subject to the Framework Supply Agreement of 14 March 2023")
has(terms, "6.1 Delivery EXW Harrowby works, Castleford"); has(terms, "6.1 Delivery DAP Voss Werk Duisburg")
has(mail, "from Monday 2 November every Voss shipment goes DAP Duisburg"); has(mail, "locked under the IT change freeze until 11 January")
T1, T2 = [M(x.replace(",", "")) for x in re.findall(r"rate is 2\.0 % if that value is GBP ([\d,]+) or more, and 3\.5 % if it is GBP ([\d,]+)", terms)[0]]
assert (T1, T2) == (400000, 600000)
has(terms, "Goods delivered to the Customer in each of the Supplier's financial years")
has(terms, "1 November 2026 to 31 October 2027, GBP 24,000"); has(terms, "1 November 2026 to 31 October 2027, GBP 9,600")
has(terms, "M3 Commissioning complete - GBP 18,500"); has(terms, "FCA Harrowby works, Castleford")

# bill-and-hold evidence
has(mail, "store both skids at your Castleford works"); has(mail, "passed FAT today, witnessed by their engineer (cert FAT-2231)")
has(mail, "moved to Bay 4 and tagged NW-EASTFIELD"); has(mail, "built to our specification NW-SPEC-118")
has(mail, "Pellow ballast sets: still in final assembly, paint and hydro test now the week of 7 December")
has(mail, "Jim Tregarthen at Pellow rang"); has(mail, "gets me to my Q4 number")
has(mail, "credit of 8 % on your November deliveries (GBP 14,600)"); has(mail, "Sent: Wed 25 Nov 2026 09:58")
has(mail, "Goods-in at Livingston is open 07:00-16:00 on weekdays")


def bh_ok(r):
    """GAM 4.4: (a) written request, (b) segregated, (c) complete / FAT passed, (d) cannot be redirected."""
    if r["cust"] == "NOR01":
        return True  # letter of 12 Nov, Bay 4 tag, FAT-2231 on 23 Nov, built to NW-SPEC-118
    if r["cust"] == "PEL01":
        assert "by phone" in r["comment"] and "Paint + hydro test w/c 07/12" in r["comment"]
        return False
    raise AssertionError(r)


# --- the rules, applied to every document -------------------------------------------------------------------------
def governing_term(r):
    if r["cust"] == "VOS01":
        return "DAP" if r["po_date"] >= EFF else "EXW"
    return r["incoterm"]


def revenue_date(r, carrick_in_nov=False):
    """Date at which the document's revenue is earned under GAM 4 (None = after FY26 and not yet)."""
    c = r["comment"]
    if r["type"] == "CRN":
        m_ = re.search(r"Cancels (INV-\d+) in full: order cancelled by cust email (\d\d)/(\d\d)", c)
        if m_:
            return dt.date(2026, int(m_.group(3)), int(m_.group(2)))
        m_ = re.search(r"agreement with cust (\d\d)/(\d\d)", c)
        if m_:
            return dt.date(2026, int(m_.group(2)), int(m_.group(1)))
        return r["doc_date"]  # routine returns and corrections, in their own period
    if r["item"] == "SVC-ANN":
        return "ratable"
    if r["item"].startswith("SVC-"):
        m_ = re.search(r"completed (\d\d)/(\d\d)", c) or re.search(r"booked \d\d-(\d\d)/(\d\d)", c)
        return dt.date(2026, int(m_.group(2)), int(m_.group(1)))
    if not r["desp_date"]:
        if any(x["type"] == "CRN" and ("Cancels " + r["doc_no"]) in x["comment"] for x in docs):
            return "cancelled"
        return r["doc_date"] if bh_ok(r) else None
    term = governing_term(r)
    if term in ("EXW", "FCA"):
        return r["desp_date"]
    assert term == "DAP"
    if r["desp_no"] in pods:
        if r["cust"] == "CAR01" and "trailer dropped" in pods[r["desp_no"]]["notes"]:
            return r["desp_date"] if carrick_in_nov else pod_date(r["desp_no"])
        return pod_date(r["desp_no"])
    assert r["desp_date"] < dt.date(2026, 11, 23) or r["desp_date"] > dt.date(2026, 12, 4), r["line"]
    return r["deliv_date"]


def cutoff(carrick_in_nov=False):
    adj = []  # (line, revenue, cost)
    for r in docs:
        rd = revenue_date(r, carrick_in_nov)
        posted = r["doc_date"] <= YE
        n = int(r["line"])
        if rd == "ratable":
            fy26 = (gbp(r) / 12).quantize(M("0.01"))  # one month (November) of twelve
            already = J05 if r["doc_no"] in flash else M(0)
            if gbp(r) - fy26 - already:
                adj.append((n, -(gbp(r) - fy26 - already), M(0)))
            continue
        if rd == "cancelled":
            adj.append((n, -gbp(r), -r["std_cost"]))
            continue
        earned = rd is not None and rd <= YE
        if r["type"] == "CRN" and "Cancels" in r["comment"]:
            continue  # handled with the invoice it cancels
        if posted and not earned:
            adj.append((n, -gbp(r), -r["std_cost"]))
        elif earned and not posted:
            adj.append((n, gbp(r), r["std_cost"]))
    # Ribble rebate on goods delivered in FY26
    rib = sum(gbp(r) for r in docs if r["cust"] == "RIB01" and r["doc_date"] <= YE
              and (revenue_date(r) is not None and revenue_date(r) <= YE))
    deliv = ytd_oct + rib
    rate = M("0.035") if deliv >= T2 else M("0.02") if deliv >= T1 else M(0)
    rebate = (deliv * rate).quantize(M("0.01"))
    booked = ((ytd_oct + sum(gbp(r) for r in docs if r["cust"] == "RIB01" and r["doc_date"] <= YE)) * M("0.035")).quantize(M("0.01"))
    adj.append(("rebate", booked - rebate, M(0)))
    return adj, deliv, rebate, booked


adj, rib_deliv, rebate, booked = cutoff()
adj_alt, *_ = cutoff(carrick_in_nov=True)
byline = {a[0]: a for a in adj}

# edge lines, at the line numbers the reference cites, with the treatment the reference gives
expect = {57: ("-129195.00", "-83200.00"), 65: ("-109620.00", "-71400.00"), 62: ("-86500.00", "-55800.00"),
          63: ("-23750.00", "-15100.00"), 64: ("-41200.00", "-26300.00"), 68: ("-27800.00", "-17600.00"),
          59: ("-118000.00", "-76700.00"), 40: ("-57400.00", "-36900.00"), 74: ("-14600.00", "0"),
          2: ("-8800.00", "0"), 69: ("-18500.00", "0"), 73: ("46300.00", "29800.00"), 71: ("-64000.00", "-41000.00"),
          76: ("38600.00", "24100.00"), 67: ("-27350.00", "-17900.00"), "rebate": ("9854.50", "0")}
assert set(byline) == set(expect), sorted(map(str, byline))
for k, (rv, cs) in expect.items():
    assert byline[k][1] == M(rv) and byline[k][2] == M(cs), (k, byline[k])
assert 71 not in {a[0] for a in adj_alt} and len(adj_alt) == len(adj) - 1

# the lines the reference keeps, and why
assert L[57]["cust"] == L[65]["cust"] == L[60]["cust"] == "VOS01" and all(L[n]["incoterm"] == "EXW" for n in (9, 23, 48, 57, 60, 65, 80))
assert L[57]["po_date"] == dt.date(2026, 11, 10) and L[65]["po_date"] == dt.date(2026, 11, 16)
assert pod_date(L[57]["desp_no"]) == dt.date(2026, 12, 1) and pod_date(L[65]["desp_no"]) == dt.date(2026, 12, 3)
assert pods[L[57]["desp_no"]]["cons"] == "HF884131"
assert L[60]["po_date"] == dt.date(2026, 10, 28) < EFF and L[60]["cust_po"] == "4700-2288" and "Rhenus" in L[60]["comment"]
assert L[60]["desp_no"] not in pods and revenue_date(L[60]) == dt.date(2026, 11, 27)
assert L[9]["po_date"] < EFF and L[23]["po_date"] >= EFF and L[23]["desp_date"] == dt.date(2026, 11, 12)
assert L[48]["po_date"] >= EFF and pod_date(L[48]["desp_no"]) == dt.date(2026, 11, 27) and L[80]["doc_date"] > YE
v5 = gbp(L[60]); assert v5 == M("33408.00") and v5 - L[60]["std_cost"] == M("11308.00")
voss = gbp(L[57]) + gbp(L[65]); assert L[57]["net"] + L[65]["net"] == M("274500") and voss == M("238815.00")
assert L[57]["std_cost"] + L[65]["std_cost"] == M("154600") and voss - M("154600") == M("84215.00")
transit = [(pod_date(L[n]["desp_no"]) - L[n]["desp_date"]).days for n in (48, 57, 65)]
assert min(transit) == 3 and max(transit) == 5
assert L[62]["deliv_date"] == YE and pod_date(L[62]["desp_no"]) == dt.date(2026, 12, 2) and "delivery failed" in pods[L[62]["desp_no"]]["notes"]
for n in (63, 64, 68):
    assert L[n]["deliv_date"] == pod_date(L[n]["desp_no"]) == dt.date(2026, 12, 1)
assert -(byline[63][1] + byline[64][1] + byline[68][1]) == M("92750.00") and -(byline[63][2] + byline[64][2] + byline[68][2]) == M("59000.00")
assert L[49]["cust"] == "NOR01" and not L[49]["desp_date"] and L[49]["net"] == M("212000.00") and 49 not in byline
assert L[59]["cust"] == "PEL01" and not L[59]["desp_date"]
assert L[40]["doc_no"] == "INV-261877" and not L[40]["desp_no"] and L[87]["doc_no"] == "CRN-2692" and L[87]["doc_date"] == dt.date(2026, 12, 4)
assert L[87]["net"] == -L[40]["net"] and L[40]["net"] + L[40]["vat"] == M("68880.00")
assert L[74]["doc_no"] == "CRN-2691" and L[74]["doc_date"] == dt.date(2026, 12, 2)
dun = [n for n in (13, 31, 56) if L[n]["doc_no"] in L[74]["comment"]]
assert dun == [13, 31, 56] and sum(L[n]["net"] for n in dun) == M("182500.00") and M("182500") * M("0.08") == -L[74]["net"]
assert -(L[74]["net"] + L[74]["vat"]) == M("17520.00")
assert L[1]["doc_no"] == "INV-261840" and L[1]["net"] == 24000 and 1 not in byline and L[1]["net"] * 11 / 12 == J05
assert L[2]["cust"] == "ASH01" and L[2]["net"] - byline[2][1] * -1 == M("800.00")
assert L[69]["item"] == "SVC-COM" and "07-09/12" in L[69]["comment"] and L[29]["item"] == "SVC-INS" and "completed 13/11" in L[29]["comment"]
assert L[73]["doc_date"] == dt.date(2026, 12, 2) and L[73]["desp_date"] == dt.date(2026, 11, 27) and L[73]["incoterm"] == "EXW"
assert L[70]["curr"] == "USD" and L[70]["incoterm"] == "FCA" and L[70]["deliv_date"] == dt.date(2026, 12, 14) and 70 not in byline
assert gbp(L[70]) == M("72960.00") and L[19]["incoterm"] == "FCA"
assert "18:02" in pods[L[71]["desp_no"]]["notes"] and pods[L[71]["desp_no"]]["delivered"] == "01/12 08:05"
assert L[71]["deliv_date"] == YE and "17:55" in pods[L[71]["desp_no"]]["notes"]
assert pod_date(L[61]["desp_no"]) == YE and pods[L[61]["desp_no"]]["delivered"] == "30/11 08:20"
assert L[67]["cust"] == "WEX01" and L[67]["incoterm"] == "EXW" and L[67]["doc_date"] == YE and L[67]["desp_date"] == dt.date(2026, 12, 1)
assert L[67]["comment"] == "" and L[67]["desp_no"] not in pods and L[67]["doc_no"] == "INV-261902"
assert L[76]["cust"] == "MAR01" and L[76]["incoterm"] == "EXW" and L[76]["doc_date"] == dt.date(2026, 12, 2) and L[76]["desp_date"] == YE
assert L[76]["comment"] == "" and L[76]["doc_no"] == "INV-261910"
# no other document has its despatch on the other side of the year end from its invoice
assert sorted(int(r["line"]) for r in docs if r["desp_date"] and (r["desp_date"] <= YE) != (r["doc_date"] <= YE)) == [67, 73, 76]
assert all(L[n]["type"] == "CRN" and L[n]["doc_date"] <= YE for n in (24, 34, 42))
assert L[89]["item"] == "SVC-REP" and "completed 04/12" in L[89]["comment"]
# every December document other than 73, 74 and 87 is December business
assert [int(r["line"]) for r in docs if r["doc_date"] > YE and revenue_date(r) not in (None,) and
        (revenue_date(r) if isinstance(revenue_date(r), dt.date) else YE) <= YE] == [73, 74, 76, 87]

# Ribble rebate
rib_nov = [int(r["line"]) for r in docs if r["cust"] == "RIB01" and r["doc_date"] <= YE]
assert rib_nov == [11, 26, 34, 46, 68]
assert sum(gbp(L[n]) for n in rib_nov) == M("98500.00")
assert sum(gbp(L[n]) for n in (11, 26, 34, 46)) == M("70700.00") and rib_deliv == M("592100.00") < T2
assert rebate == M("11842.00") and booked == M("21696.50") and booked - (ytd_oct * M("0.02")) == J06

# --- totals ---------------------------------------------------------------------------------------------------------
def tot(a):
    rv = sum(x[1] for x in a)
    cs = sum(x[2] for x in a)
    return rv, cs, rv - cs


REV, COS, EB = tot(adj)
REVa, COSa, EBa = tot(adj_alt)
assert (REV, COS, EB) == (M("-631960.50"), M("-388000.00"), M("-243960.50"))
assert (REVa, COSa, EBa) == (M("-567960.50"), M("-347000.00"), M("-220960.50"))
assert EB - EBa == M("-23000.00") and REV - REVa == M("-64000.00")
FLOOR = M(re.search(r"up to and including 30 November 2026\s+GBP ([\d,]+)", fac).group(1).replace(",", ""))
STEP = M(re.search(r"28 February 2027 to 30 November 2027\s+GBP ([\d,]+)", fac).group(1).replace(",", ""))
assert (FLOOR, STEP) == (6000000, 6500000)
ADJ_EB, ADJ_EBa = EBITDA + EB, EBITDA + EBa
assert ADJ_EB == M("5960869.50") and ADJ_EBa == M("5983869.50")
SHORT, SHORTa = FLOOR - ADJ_EB, FLOOR - ADJ_EBa
assert SHORT == M("39130.50") and SHORTa == M("16130.50") and SHORT > 0 and SHORTa > 0
assert EBITDA - FLOOR == M("204830.00") and STEP - ADJ_EB == M("539130.50")
assert GROUP_REV + REV == M("33483100.00")
# the flash would pass without the Voss point
assert EBITDA + EB + M("84215.00") > FLOOR and EBITDA + EBa + M("84215.00") > FLOOR
# and the email's reading of Voss (line 60 deferred too) still fails
assert EBITDA + EB - M("11308.00") < FLOOR

# balances
DEF = J05 + sum(-a[1] for a in adj if a[0] not in ("rebate", 40, 73, 74, 76))
assert DEF == M("676715.00") and DEF - J05 == M("654715.00") and DEF - 64000 == M("612715.00") and DEF - J05 - 64000 == M("590715.00")
ACC = sum(a[1] for a in adj if a[0] in (73, 76))
assert ACC == M("84900.00")
INV_BACK = sum(-a[2] for a in adj if a[2] < 0)
assert INV_BACK == M("441900.00") and INV_BACK - M("29800.00") - M("24100.00") == M("388000.00") == -COS

# --- dates -----------------------------------------------------------------------------------------------------------
days = int(re.search(r"within (\d+) days after each Quarter Date", fac).group(1))
due = YE + dt.timedelta(days=days)
assert due == dt.date(2027, 1, 14) and due.strftime("%A") == "Thursday"
has(fac, "(i) in respect of consecutive Relevant Periods"); has(cfo, "£180k as an equity cure on the August test")
has(fac, "28 February, 31 May, 31 August and 30 November")
assert dt.date(2026, 12, 10).strftime("%A") == "Thursday" and dt.date(2026, 12, 17).strftime("%A") == "Thursday"
has(task["prompt"], "Today is Thursday 10 December 2026"); has(task["prompt"], "Thursday 17 December 2026")

# --- the reference states every figure --------------------------------------------------------------------------------
for s in ["£631,960.50", "£243,960.50", "£34,115,060.50", "£33,483,100.00", "£6,204,830.00", "**£5,960,869.50**", "£39,130.50",
          "£204,830", "£5,983,869.50", "£16,130.50", "**Thursday 14 January 2027**", "£6,500,000", "£84,215",
          "£2,452,745.00", "(£22,000.00)", "(£11,268.50)", "£2,419,476.50", "**EUR 0.8700**", "USD 0.7600",
          "€148,500 at 0.8700", "€126,000 at 0.8700", "€274,500 at 0.8700 = **£238,815.00**", "£154,600",
          "**£84,215.00 of EBITDA**", "€38,400 = £33,408", "£33,408 of revenue and £11,308 of EBITDA",
          "£619,900.00", "£521,400.00", "£22,300 + £31,650 - £2,150 + £18,900 = £70,700.00", "**£592,100.00, below the £600,000 tier**",
          "£11,842.00, not £21,696.50", "**£9,854.50 of JNL-1130-06 is reversed**", "£212,000", "£118,000", "£76,700",
          "£57,400 of revenue and £36,900 of cost", "£68,880", "£182,500", "-£14,600", "£22,000 of the £24,000",
          "**£8,800 is deferred**", "£800 stays", "£18,500", "£46,300 of revenue and £29,800 of cost", "$96,000 = £72,960",
          "£38,600 of revenue and £24,100 of cost", "£27,350 of revenue and £17,900 of cost",
          "**£64,000 of revenue and £23,000 of EBITDA**", "**£676,715.00**", "£654,715.00", "£612,715.00", "£46,300.00",
          "£38,600.00, **£84,900.00**", "£57,400.00 (£68,880.00 including VAT)", "£14,600.00 (£17,520.00 including VAT)",
          "£11,842.00, down from £21,696.50", "£441,900.00", "£29,800.00", "£24,100.00", "**£388,000.00**",
          "**shortfall of £39,130.50**", "£539,130.50",
          "| **Total** | **-631,960.50** | **-388,000.00** | **-243,960.50** |",
          "| Total if Carrick is November | -567,960.50 | -347,000.00 | -220,960.50 |"]:
    has(ref, s)
for n, (rv, cs) in expect.items():
    if n == "rebate":
        continue
    eb = M(rv) - M(cs)
    f = lambda x: ("+" if x > 0 else "") + f"{x:,.2f}" if x else "-"
    cells = f"| {f(M(rv))} | {f(M(cs))} | {f(eb)} |"
    row = [l for l in ref.splitlines() if l.startswith("| ") and re.match(rf"{n}\b", l.split("|")[2].strip()) and cells in l]
    assert len(row) == 1, (n, cells)
has(ref, "| +9,854.50 | - | +9,854.50 |")
for s in ["line 66 repeats line 65", "Line 9 (PO 22 October", "Line 23 (PO 3 November)", "Line 48 (PO 5 November)", "**Lines 57 and 65**",
          "Line 80", "**Line 60 (INV-261896", "4700-2288, is dated 28 October", "**Line 66 duplicates line 65.**", "**Hesketh (line 62)",
          "**Lanark (line 63), Greywell (line 64), Ribble (line 68).**", "lines 11, 26, 34 (a credit) and 46", "(line 49, £212,000)",
          "(line 59, £118,000)", "(line 40, reversed by CRN-2692 on line 87)", "(line 74, CRN-2691", "lines 13, 31 and 56",
          "**Kelloway (line 1): no adjustment.**", "**Ashdown (line 2):**", "(line 69, £18,500)", "(line 29, completed 13 November)",
          "**Brecon (line 73)", "**Corvallis (line 70", "Line 19 is the same", "Line 61 (Greywell, delivered 30 November 08:20)",
          "**Marston (line 76): accrued.**", "**Wexley (line 67): deferred.**", "(lines 24, 34 and 42)", "all but lines 73, 74, 76 and 87", "line 89",
          "(line 71, £64,000)", "at 17:55", "at 18:02", "07:45 on 1 December", "at 08:05 on 1 December", "FAT-2231", "Bay 4",
          "NW-SPEC-118", "12 November", "7-9 December", "16:20", "21.4(c)(i)", "23.4", "36.1", "31 August 2026", "11 January"]:
    has(ref, s)

# --- the rubric uses the same figures -----------------------------------------------------------------------------------
has(rub["c02"]["text"], "£238,815"); has(rub["c02"]["text"], "£154,600"); has(rub["c02"]["text"], "-£84,215"); has(rub["c02"]["text"], "EUR 274,500")
has(rub["c02"]["text"], "line 57"); has(rub["c02"]["text"], "line 65")
has(rub["c03"]["text"], "line 60"); has(rub["c03"]["text"], "28 October"); has(rub["c04"]["text"], "line 66 repeats line 65")
has(rub["c05"]["text"], "line 62, £86,500 revenue, £55,800 cost")
has(rub["c06"]["tolerance"], "£92,750 of revenue and £59,000"); has(rub["c06"]["text"], "line 63, £23,750"); has(rub["c06"]["text"], "line 68, £27,800")
for s in ["£592,100", "£600,000", "£11,842", "£9,854.50", "£21,696.50"]:
    has(rub["c07"]["text"], s)
has(rub["c08"]["text"], "line 49, £212,000"); has(rub["c09"]["text"], "line 59, £118,000 revenue, £76,700 cost")
has(rub["c10"]["text"], "line 40, £57,400 revenue, £36,900 cost"); has(rub["c10"]["text"], "(line 87)")
has(rub["c11"]["text"], "line 74, -£14,600"); has(rub["c12"]["text"], "£22,000"); has(rub["c13"]["text"], "£8,800 deferred and £800")
has(rub["c14"]["text"], "line 69, £18,500"); has(rub["c15"]["text"], "£46,300 revenue and £29,800 cost"); has(rub["c15"]["text"], "(line 73)")
has(rub["c16"]["text"], "(line 76)"); has(rub["c16"]["text"], "£38,600 revenue and £24,100 cost"); has(rub["c16"]["text"], "30 November")
has(rub["c17"]["text"], "(line 67)"); has(rub["c17"]["text"], "£27,350 revenue and £17,900 cost"); has(rub["c17"]["text"], "1 December")
has(rub["c18"]["text"], "(line 70)"); has(rub["c19"]["text"], "(line 71)"); has(rub["c21"]["text"], "£64,000 revenue, £23,000 EBITDA")
has(rub["c22"]["text"], "-£631,960.50"); has(rub["c22"]["text"], "-£567,960.50"); has(rub["c22"]["text"], "£33,483,100.00")
has(rub["c23"]["text"], "-£243,960.50"); has(rub["c23"]["text"], "-£220,960.50")
for s in ["£5,960,869.50", "£5,983,869.50", "£39,130.50", "£16,130.50", "£6,000,000"]:
    has(rub["c24"]["text"], s)
has(rub["c25"]["text"], "£204,830"); has(rub["c26"]["text"], "21.4(c)(i)"); has(rub["c27"]["text"], "14 January 2027"); has(rub["c27"]["text"], "£6,204,830")
has(rub["c29"]["text"], "£6,500,000"); has(rub["c30"]["text"], "£676,715"); has(rub["c30"]["text"], "£612,715")
has(rub["c30"]["tolerance"], "£654,715"); has(rub["c30"]["tolerance"], "£590,715")
assert rub["c22"]["carried_forward_from"] == [f"c{i:02d}" for i in range(2, 20)] and rub["c23"]["carried_forward_from"] == ["c22"]
assert rub["c24"]["carried_forward_from"] == ["c23"]
assert len(rub) == 32 and sum(c["weight"] for c in rub.values()) == 212

print("fin-acc-0101: all checks passed")
