"""Check script for cs-arch-0102: recomputes every number of the reference and rubric.

Simulates each shard's full-copy phase under the day/night throughput schedule, compares it
with the binlog retention each source actually has (the change ticket, not the wiki), and
recomputes the disk red-line arithmetic, the catch-up time, the retention margin on the
replica, the verification time and the dates; asserts each input is in the material and each
result is stated in the reference answer.
"""
import datetime as dt
import json
import sys

task = json.load(open(sys.argv[1], encoding="utf-8"))
att = {a["name"]: a["content"] for a in task["attachments"]}
ref = task["reference_answer"]
mail, wiki, trial, chat, chg, cron, doc = (att[n] for n in [
    "邮件：订单库迁移立项与约束（2026-11-30）",
    "DBA wiki：订单库运维手册（节选，2025-06 更新）",
    "试迁移报告：order_db_2 预发环境（平台组 刘畅，2026-11-20）",
    "群聊记录：#订单库迁移（节选）",
    "变更单 CHG-20261108-031（节选）",
    "批处理主机 batch-07 定时任务导出（节选）",
    "渡鸦 DTS 产品文档（节选，文档版本 4.1）",
])


def has(text, s):
    assert s in text, f"not found: {s!r}"


# --- inputs -------------------------------------------------------------------------------
has(trial, "夜间实测吞吐：28 MB/s"); has(trial, "日间按限速 12 MB/s"); has(wiki, "日间 08:00–23:00：每个实例读取限速 12 MB/s")
has(trial, "全量耗时：26 h 26 min"); has(trial, "约 55 GB binlog/小时"); has(trial, "1.8 TB 用了 19 h")
has(trial, "312 行重复"); has(trial, "41 行状态不一致"); has(trial, "DTS 版本：3.8.2")
has(wiki, "binlog_expire_logs_seconds=604800"); has(wiki, "主库数据盘 3.84 TB"); has(wiki, "不得低于 15%")
has(chg, "SET PERSIST binlog_expire_logs_seconds = 172800"); has(chg, "数据盘剩余空间恢复至 610 GB")
has(chg, "从库 order_db_3_r1 磁盘充足未改动"); has(chg, "保留期维持 2 天不变")
has(chat, "order_db_3  4.1 TB"); has(chat, "order_db_0  1.9 TB"); has(chat, "order_db_1  2.1 TB"); has(chat, "order_db_2  1.8 TB")
has(chat, "order_items 1.90 TB"); has(chat, "每天大约 520 GB"); has(chat, "剩余 610 GB"); has(chat, "剩余 2.2 TB")
has(chat, "（这是在 order_db_1 主库上看的")
has(cron, "10   2  *   *   *    /opt/settle/bin/settle-recon --jdbc=jdbc:mysql://10.20.3.11:3306/order_db_3 --mode=fix")
has(cron, "平均运行 35 分钟")
has(doc, "自 4.0 版本起"); has(doc, "E-2201")
has(mail, "2027-01-25 春节封网"); has(mail, "12-10 00:00 至 12-14 24:00"); has(mail, "周二至周四 02:00–04:00"); has(mail, "15 分钟")

NIGHT, DAY = 28, 12  # MB/s
START = dt.datetime(2026, 12, 15, 23, 0)
assert START.strftime("%a") == "Tue"


def full_end(mb, t=START):
    left = mb
    while True:
        night = t.hour >= 23 or t.hour < 8
        rate = NIGHT if night else DAY
        if night:
            end = t.replace(hour=8, minute=0, second=0) if t.hour < 8 else (t + dt.timedelta(days=1)).replace(hour=8, minute=0, second=0)
        else:
            end = t.replace(hour=23, minute=0, second=0)
        cap = (end - t).total_seconds() * rate
        if cap >= left:
            return t + dt.timedelta(seconds=left / rate)
        left -= cap
        t = end


def hm(t):
    """Clock time rounded to the nearest minute."""
    return (t + dt.timedelta(seconds=30)).strftime("%m-%d %H:%M")


def hours(end):
    return (end - START).total_seconds() / 3600


assert 28 * 3600 * 9 == 907200 and 12 * 3600 * 15 == 648000 and 907200 + 648000 == 1555200
for s in ["28 × 3600 × 9 = 907,200 MB", "12 × 3600 × 15 = 648,000 MB", "1,555,200 MB"]:
    has(ref, s)
ends = {k: full_end(v * 1e6) for k, v in {"0": 1.9, "1": 2.1, "2": 1.8, "3": 4.1}.items()}
exp = {"0": (27.4, "12-17 02:25"), "1": (29.4, "12-17 04:24"), "2": (26.4, "12-17 01:26"), "3": (58.9, "12-18 09:54")}
for k, (h, ts) in exp.items():
    assert round(hours(ends[k]), 1) == h, (k, hours(ends[k]))
    assert hm(ends[k]) == ts, (k, ends[k])
    has(ref, ts); has(ref, f"{h} h")
# the model reproduces the rehearsal (1.8 TB in 26 h 26 min)
assert round(hours(ends["2"]) * 60) == 26 * 60 + 26
assert 3 * 907200 + 2 * 648000 == 4017600 and 4.1e6 - 4017600 == 82400 and round(82400 / 12 / 3600, 1) == 1.9
has(ref, "3 × 907,200 + 2 × 648,000 = 4,017,600 MB"); has(ref, "82,400 MB 按 12 MB/s 还需 1.9 h")

# --- retention on the order_db_3 primary -------------------------------------------------
ret3 = 172800 / 3600
assert ret3 == 48
purge = START + dt.timedelta(hours=ret3)
assert purge.strftime("%m-%d %H:%M") == "12-17 23:00"
has(ref, "**12-17 23:00**")
short = hours(ends["3"]) - ret3
assert round(short, 1) == 10.9
has(ref, "**10.9 小时**")
for k in "012":
    assert hours(ends[k]) < 604800 / 3600

# --- disk red line -----------------------------------------------------------------------
red = 0.15 * 3840
assert round(red) == 576 and 610 - 576 == 34
has(ref, "**576 GB**"); has(ref, "**34 GB**")
extra = (58.9 - 48) / 24 * 520
assert round(extra) == 236 and round(610 - extra) == 374 and 610 - 374 < 610 and 374 < red
has(ref, "**236 GB**"); has(ref, "**374 GB**")
assert 610 - 520 == 90
has(ref, "**90 GB**")

# --- replica as source: margin and catch-up -----------------------------------------------
assert round(168 - 58.9, 1) == 109.1
has(ref, "**109.1 h**")
gen = 520 / 24
backlog = hours(ends["3"]) * gen
net = 55 - gen
catch = backlog / net
assert round(gen, 1) == 21.7 and round(backlog) == 1276 and round(net, 1) == 33.3 and round(catch, 1) == 38.3
for s in ["**1,276 GB**", "21.7 GB/h", "**33.3 GB/h**", "**38.3 h**"]:
    has(ref, s)
caught = ends["3"] + dt.timedelta(hours=catch)
assert hm(caught) == "12-20 00:12"
has(ref, "**12-20 00:12**")
# per-table alternative: largest table alone fits in 48 h
assert round(hours(full_end(1.90e6)), 1) == 27.4 and hours(full_end(1.90e6)) < 48
has(ref, "单表全量 27.4 h")

# --- verification, settle-recon, dates ---------------------------------------------------
assert round(19 * 4.1 / 1.8, 1) == 43.3
has(ref, "**43.3 h**")
assert (dt.datetime(2026, 12, 2, 2, 10) + dt.timedelta(minutes=35)).strftime("%H:%M") == "02:45"
has(ref, "02:45")
cut = dt.date(2027, 1, 12)
assert cut.strftime("%a") == "Tue" and cut < dt.date(2027, 1, 25)
assert dt.date(2027, 1, 13).strftime("%a") == "Wed" and dt.date(2027, 1, 14).strftime("%a") == "Thu"
has(ref, "2027-01-12（周二）03:00"); has(ref, "01-25")
assert dt.date(2026, 12, 9) < dt.date(2026, 12, 10) and START.date() > dt.date(2026, 12, 14)
print("cs-arch-0102: all checks passed")
