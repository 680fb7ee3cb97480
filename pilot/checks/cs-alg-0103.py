"""Check script for cs-alg-0103: recomputes every number of the reference and rubric.

Recomputes the candidate-pair counts per phone block, scoring time, expected auto-merges in the
placeholder block, the overall false-merge rate, the exact one-sided Clopper-Pearson upper bound for
3/600, the acceptance-sampling sizes and pass probabilities, and the review effort.
"""
import json
import math
import sys

task = json.load(open(sys.argv[1], encoding="utf-8"))
att = {a["name"]: a["content"] for a in task["attachments"]}
ref = task["reference_answer"]
rub = {c["id"]: c for c in task["rubric"]}


def has(text, s):
    assert s in text, f"not found: {s!r}"


prof = att["手机号字段画像"]
nb = att["评估 notebook 导出片段"]
design = att["青禾会员匹配方案（周会材料附录）"]
prd = att["需求说明 v1.2（摘录）"]
chat = att["项目群聊天记录（摘录）"]
for s in ["| 13800000000 | 183,400 |", "| 13812345678 | 3,020 |", "| 13900000000 | 12,100 |", "| 00000000000 | 8,450 |",
          "13800000000 2,960 条", "13812345678 41 条", "3,104,000", "全名一致：0.027%"]:
    has(prof, s)
# skew-key table: A phones with more than 50,000 records -> exactly one, 13800000000
a_top = {"13800000000": 183400, "13900000000": 12100, "00000000000": 8450, "13812345678": 3020}
assert [k for k, v in a_top.items() if v > 50000] == ["13800000000"]
assert round(1620000 * (1 - 0.992)) < 50000  # the NULL-phone group stays below the threshold too
has(nb, "HAVING count(*) > 50000"); has(nb, "[Out 2] 1"); has(nb, "LEFT ANTI JOIN tmp.skew_keys")
has(nb, "[Out 5] 25870"); has(nb, "[Out 6] 61240")
hand = att["青禾交接文档（节选）"]; has(hand, "138-0000-0000 补位"); has(hand, "2%-3% 的顾客有 2 张及以上老卡")
plan = att["青禾门店系统下线方案（草案 v0.3）"]; has(plan, "备份保留 180 天")
contract = att["外包运维服务合同（摘录）"]; has(contract, "保留甲方最后一次全量备份 30 日"); has(contract, "至少 10 个工作日")
has(contract, "每月 0.8 万元")
has(nb, "[Out 3] 1296500"); has(nb, "True     597"); has(nb, "False      3")
has(nb, "[Out 9] 5428640"); has(nb, "[Out 9] 1466")
has(design, "| 手机号 | +8.2 |"); has(design, "| 姓名（全名） | +4.1 |"); has(design, "| 生日 | +3.5 |"); has(design, "| 城市 | +0.9 |")
has(design, "单核实测 6,000 对/秒"); has(design, "集群 16 核"); has(prd, "不超过 0.5%"); has(prd, "95% 的置信度")
has(chat, "每人每天大约 400 对")

# --- candidate pairs and run time ---------------------------------------------------------------
ph = 183400 * 2960
ph2 = 3020 * 41
total = 3104000 + ph + ph2
assert ph == 542864000 and ph2 == 123820 and total == 546091820
assert round(total / 1e8, 2) == 5.46 and round(total / 3104000) == 176
has(ref, "183,400 × 2,960 = **542,864,000**"); has(ref, "3,020 × 41 = 123,820"); has(ref, "合计 **546,091,820 对**")
has(ref, "约 **5.46 亿**"); has(ref, "约 176 倍")
rate = 16 * 6000
assert rate == 96000 and round(3104000 / rate) == 32 and round(total / rate) == 5688
assert round(total / rate / 60, 1) == 94.8
has(ref, "546,091,820 / 96,000 ≈ 5,688 秒 ≈ **94.8 分钟**")
assert ph / total > 0.99
assert ph * 0.01 == 5428640  # notebook's 1 % sample of the placeholder block

# --- scores -------------------------------------------------------------------------------------
assert round(8.2 + 4.1, 1) == 12.3 and 12.3 >= 12.0 and round(4.1 + 3.5 + 0.9, 1) == 8.5 < 12.0
has(ref, "合计 12.3 ≥ 12.0"); has(ref, "4.1 + 3.5 + 0.9 = 8.5")

# --- expected auto-merges and false-merge rate -----------------------------------------------
p_name = 0.00027
e1 = ph * p_name; e2 = ph2 * p_name
assert round(e1) == 146573 and round(e2) == 33 and round(1466 * 100, -3) == 147000
has(ref, "≈ **146,573 对**"); has(ref, "≈ 33 对"); has(ref, "1,466 对过线")
per_b = 183400 * p_name
assert round(per_b, 1) == 49.5; has(ref, "≈ **49.5 条**")
fp_reg = 1296500 * 3 / 600
assert round(fp_reg) == 6482 or round(fp_reg + 0.5) == 6483
has(ref, "1,296,500 × 0.5% ≈ 6,483")
fp = fp_reg + e1 + e2; denom = 1296500 + e1 + e2
assert round(e1 + e2) == 146607 and round(denom) == 1443107 and round(fp, -1) == 153090
assert round(fp / denom * 100, 1) == 10.6
has(ref, "6,483 + 146,607 ≈ 153,090"); has(ref, "1,296,500 + 146,607 = 1,443,107"); has(ref, "**约 10.6%**")
assert fp / denom / 0.005 > 20

# --- exact binomial quantities -----------------------------------------------------------------
def cdf(c, n, p):
    return sum(math.comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(c + 1))
lo, hi = 0.0, 1.0
for _ in range(100):
    mid = (lo + hi) / 2
    lo, hi = (mid, hi) if cdf(3, 600, mid) > 0.05 else (lo, mid)
assert round(hi * 100, 2) == 1.29; has(ref, "约为 **1.29%**")
def n_for(c):
    n = 1
    while cdf(c, n, 0.005) > 0.05:
        n += 1
    return n
sizes = {c: n_for(c) for c in range(7)}
assert sizes[0] == 598 and sizes[1] == 947 and sizes[2] == 1258 and sizes[6] == 2366
has(ref, "c = 0：n ≥ 598"); has(ref, "c = 1：n ≥ 947"); has(ref, "c = 2：n ≥ **1,258**"); has(ref, "n = 2,366")
assert round(cdf(6, 2366, 0.002) * 100) == 80 and round(cdf(6, 2366, 0.001) * 100) == 99
assert round(cdf(2, 1258, 0.002) * 100) == 54 and round(cdf(2, 1258, 0.001) * 100) == 87
has(ref, "通过的概率约 **80%**"); has(ref, "通过概率约 99%"); has(ref, "通过概率只有约 **54%**（0.1% 时约 87%）")

# --- review capacity ---------------------------------------------------------------------------
assert 4 * 400 == 1600 and round(2 * 2366 / 1600, 1) == 3.0
has(ref, "4 人 × 400 对/天 = 1,600 对/天"); has(ref, "2 × 2,366 / 1,600 ≈ 3.0")
# dates: backups destroyed 30 days after the 31 Dec shutdown
import datetime as dt
assert dt.date(2026, 12, 31) + dt.timedelta(30) == dt.date(2027, 1, 30); has(ref, "2027 年 1 月 30 日")

# extension request deadline: at least 10 working days before the 31 Dec termination
d = dt.date(2026, 12, 31); k = 0
while k < 10:
    d -= dt.timedelta(1)
    if d.weekday() < 5:
        k += 1
assert d == dt.date(2026, 12, 17); has(ref, "**12 月 17 日**"); has(ref, "每月 0.8 万元")
assert dt.date(2026, 12, 7).weekday() == 0
# one-to-many cases from notebook [Out 5]/[Out 6]
assert round(25870 / 1600, 1) == 16.2
has(ref, "25,870 / 1,600 ≈ 16.2 个工作日"); has(ref, "61,240 个 A"); has(ref, "25,870 个 B")
has(ref, "180 天"); has(ref, "约 60 对")
assert round(600 * 146607 / 1443107) == 61  # ~10 % of a full-frame sample would come from the skew block

# --- rubric figures agree ---------------------------------------------------------------------
texts = " ".join(c["text"] for c in rub.values())
for s in ["183,400 × 2,960", "94.8 分钟", "12.3 分", "14.7 万对", "49.5 条", "10.6%", "1.29%", "1,258", "2,366", "80%", "87%", "61,240", "12 月 17 日", "180 天", "2027-01-30"]:
    has(texts, s)
print("cs-alg-0103: all checks passed")
