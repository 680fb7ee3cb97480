"""Check script for cs-arch-0102: recomputes every number of the reference and rubric.

Simulates each shard's full-copy phase under the day/night throughput schedule and compares it
with the binlog retention each source actually has (the persisted 2-day value on the db3
primary, the report-replica group_vars on r1 and on the swapped db1 host). Recomputes the
red-line arithmetic on both db3 hosts, the undo growth scaled from the trial, the relay-log pile-up
if settle-recon's TRUNCATE stalls r1 behind the full-load snapshot, the refund_audit rebuild
headroom, the catch-up time, the verification time and the dates. Asserts each input is in the
material and each result is stated in the reference answer.
"""
import datetime as dt
import json
import sys

task = json.load(open(sys.argv[1], encoding="utf-8"))
att = {a["name"]: a["content"] for a in task["attachments"]}
ref = task["reference_answer"]
mail, wiki, trial, chat, chg, cron, ans, dns, doc = (att[n] for n in [
    "邮件：订单库迁移立项与约束（2026-11-30）",
    "DBA wiki：订单库运维手册（节选，2025-06 更新）",
    "试迁移报告：order_db_2 预发环境（平台组 刘畅，2026-11-20）",
    "群聊记录：#订单库迁移（节选）",
    "变更单 CHG-20261108-031（节选）",
    "批处理主机 batch-07 定时任务与对账作业导出（节选）",
    "配置管理仓库 ops-ansible 导出（mysql 相关，节选，2026-12-02）",
    "内网 DNS 记录导出（hcsx.local，节选，2026-12-01）",
    "渡鸦 DTS 产品文档（节选，文档版本 4.1）",
])
rubric = {c["id"]: c for c in task["rubric"]}


def has(text, s):
    assert s in text, f"not found: {s!r}"


# --- inputs -------------------------------------------------------------------------------
has(trial, "夜间实测吞吐：28 MB/s"); has(trial, "日间按限速 12 MB/s"); has(wiki, "日间 08:00–23:00：每个实例读取限速 12 MB/s")
has(trial, "全量耗时：26 h 26 min"); has(trial, "约 55 GB binlog/小时"); has(trial, "1.8 TB 用了 19 h")
has(trial, "312 行重复"); has(trial, "41 行状态不一致"); has(trial, "DTS 版本：3.8.2")
has(trial, "源端 binlog 生成约 160 GB/天"); has(trial, "| 11 GB | 全量结束时 52 GB |")
has(trial, "trg_payment_status_au（TRIGGER，AFTER UPDATE ON order_payment）")
has(trial, "evt_close_unpaid（EVENT，EVERY 1 MINUTE，DEFINER=`root`@`localhost`）")
has(wiki, "order_db_3 主库数据盘 7.68 TB"); has(wiki, "order_db_3_r1 为 11.52 TB"); has(wiki, "不得低于 15%")
has(wiki, "| order_db_1 | 10.20.1.11 | 10.20.1.21（order_db_1_r1）"); has(wiki, "order_db_0/1 轮流")
has(chg, "--tags dynamic_vars"); has(chg, '"v": 172800'); has(chg, "从库 order_db_3_r1 磁盘充足未改动")
has(chg, "2026-11-21"); has(chg, "保留期已恢复 7 天")
has(chat, "order_db_3  4.1 TB"); has(chat, "order_db_0  1.9 TB"); has(chat, "order_db_1  2.1 TB"); has(chat, "order_db_2  1.8 TB")
has(chat, "order_items 1.90 TB"); has(chat, "refund_audit 0.25 TB"); has(chat, "每天大约 520 GB")
has(chat, "剩余 1.45 TB 左右，11 月中以后一直在这个水平"); has(chat, "磁盘剩余 5.8 TB")
has(chat, "ADD COLUMN id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY"); has(chat, "`refund_no` varchar(32) NOT NULL"); has(chat, "`audit_seq` int unsigned NOT NULL")
has(chat, "12 月的主从切换演练因为双12 取消")
has(ans, "[order_primaries]\n10.20.0.11  shard=order_db_0\n10.20.1.21  shard=order_db_1")
has(ans, "[order_report_replicas]\n10.20.1.11  shard=order_db_1\n10.20.3.21  shard=order_db_3")
has(ans, "mysql_binlog_expire_logs_seconds: 604800"); has(ans, "mysql_binlog_expire_logs_seconds: 86400")
has(ans, "    mode: persist\n  loop: \"{{ mysql_dynamic_vars }}\"\n  tags: [dynamic_vars]")
has(dns, "| ord3-xfh.db.hcsx.local | CNAME | mysql-3a.db.hcsx.local |"); has(dns, "| mysql-3a.db.hcsx.local | A | 10.20.3.11 |")
has(dns, "| ord1-ro.db.hcsx.local | CNAME | mysql-1a.db.hcsx.local |"); has(dns, "| mysql-1a.db.hcsx.local | A | 10.20.1.11 |")
has(cron, "10   2  *   *   *    /opt/settle/bin/settle-recon --conf=/opt/settle/conf/recon-xfh.properties --mode=fix")
has(cron, "db.url=jdbc:mysql://ord3-xfh.db.hcsx.local:3306/order_db_3")
has(cron, "02:10:00.537 INFO  TRUNCATE TABLE recon_stage_xfh"); has(cron, "INSERT order_payment 3 rows, INSERT refund_audit 14 rows")
has(cron, "done elapsed=34m58s")
has(doc, "自 4.0 版本起"); has(doc, "E-2201"); has(doc, "全部表导出完毕后提交该事务"); has(doc, "单表可选“仅结构”")
has(doc, "默认：报错并暂停任务")
has(mail, "2027-01-25 春节封网"); has(mail, "12-10 00:00 至 12-14 24:00"); has(mail, "周二至周四 02:00–04:00"); has(mail, "15 分钟")
for s in ["10.20.1.21", "10.20.3.21", "ord3-xfh.db.hcsx.local", "**10.20.3.11**", "mode: persist", "mysqld-auto.cnf",
          "recon_stage_xfh", "trg_payment_status_au", "evt_close_unpaid", "root@localhost", "event_scheduler = OFF",
          "DROP TRIGGER trg_payment_status_au", "super_read_only"]:
    has(ref, s)

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


def hours(end, start=START):
    return (end - start).total_seconds() / 3600


assert 28 * 3600 * 9 == 907200 and 12 * 3600 * 15 == 648000 and 907200 + 648000 == 1555200
for s in ["28 × 3600 × 9 = 907,200 MB", "12 × 3600 × 15 = 648,000 MB", "1,555,200 MB"]:
    has(ref, s)
assert round(907200 / 1e6, 1) == 0.9; has(ref, "约 0.9 TB")
ends = {k: full_end(v * 1e6) for k, v in {"0": 1.9, "1": 2.1, "2": 1.8, "3": 4.1}.items()}
exp = {"0": (27.4, "12-17 02:25"), "1": (29.4, "12-17 04:24"), "2": (26.4, "12-17 01:26"), "3": (58.9, "12-18 09:54")}
for k, (h, ts) in exp.items():
    assert round(hours(ends[k]), 1) == h, (k, hours(ends[k]))
    assert hm(ends[k]) == ts, (k, ends[k])
    has(ref, ts); has(ref, f"{h} h")
assert round(hours(ends["2"]) * 60) == 26 * 60 + 26
assert 3 * 907200 + 2 * 648000 == 4017600 and 4.1e6 - 4017600 == 82400 and round(82400 / 12 / 3600, 1) == 1.9
has(ref, "3 × 907,200 + 2 × 648,000 = 4,017,600 MB"); has(ref, "82,400 MB 按 12 MB/s 还需 1.9 h")
H3 = hours(ends["3"])

# --- effective retention and purge times --------------------------------------------------
P3, R1, DB1_OLD = 172800 / 3600, 86400 / 3600, 86400 / 3600
assert (P3, R1) == (48, 24)
assert (START + dt.timedelta(hours=P3)).strftime("%m-%d %H:%M") == "12-17 23:00"
assert (START + dt.timedelta(hours=R1)).strftime("%m-%d %H:%M") == "12-16 23:00"
has(ref, "**12-17 23:00**"); has(ref, "**12-16 23:00**")
assert round(H3 - P3, 1) == 10.9; has(ref, "**10.9 小时**")
assert round(H3 - R1, 1) == 34.9; has(ref, "**34.9 小时**")
assert round(hours(ends["1"]) - DB1_OLD, 1) == 5.4; has(ref, "**5.4 小时**")
for k in "012":
    assert hours(ends[k]) < 604800 / 3600
lo, hi = 9, 13
assert lo <= H3 - P3 <= hi  # c07 tolerance

# --- db3 primary: disk evidence and red line ----------------------------------------------
GEN = 520  # GB/day
gen_h = GEN / 24
free_p, disk_p = 1450, 7680
red_p = 0.15 * disk_p
assert red_p == 1152 and free_p - red_p == 298
has(ref, "**1,152 GB**"); has(ref, "**298 GB**")
assert 7 * GEN - 2 * GEN == 2600 and 2600 > free_p
has(ref, "**2,600 GB**"); has(ref, "2 × 520 = 1,040 GB"); has(ref, "7 × 520 = 3,640 GB")
assert free_p - (72 - 48) / 24 * GEN == 930 and red_p - 930 == 222
has(ref, "**930 GB**"); has(ref, "222 GB")
maxh = 48 + (free_p - red_p) / GEN * 24
assert round(maxh, 1) == 61.8; has(ref, "**61.8 h**")
nonbin = 7.68 - 1.45 - 1.04
assert round(nonbin, 2) == 5.19 and round(11.52 - 5.8, 2) == 5.72 and round(5.72 - 5.19, 2) == 0.53
for s in ["7.68 − 1.45 = 6.23 TB", "5.19 TB", "11.52 − 5.8 = 5.72 TB", "0.53 TB"]:
    has(ref, s)

# --- r1 raised to 4 days; undo from the full-load snapshot --------------------------------
red_r = 0.15 * 11520
free_r = 5800
assert round(red_r) == 1728; has(ref, "**1,728 GB**")
RET_R1 = 345600 / 3600
assert RET_R1 == 96 and round(RET_R1 - H3, 1) == 37.1; has(ref, "**37.1 h**"); has(ref, "345600")
extra4 = 3 * GEN
assert extra4 == 1560 and free_r - extra4 == 4240
has(ref, "3 × 520 = **1,560 GB**"); has(ref, "**4,240 GB**")
t_trial = 26 + 26 / 60
bin_trial = 160 / 24 * t_trial
ratio = (52 - 11) / bin_trial
assert round(bin_trial) == 176 and round(ratio, 2) == 0.23
has(ref, "160/24 × 26.4 ≈ 176 GB"); has(ref, "比值约 0.23"); has(ref, "41 GB")
backlog = H3 * gen_h
undo = ratio * backlog
assert round(backlog) == 1276 and round(undo) == 297
has(ref, "**1,276 GB**"); has(ref, "**297 GB**")
assert 250 <= undo <= 350  # c12 tolerance
min4 = free_r - extra4 - undo
assert round(min4) == 3943 and min4 > red_r; has(ref, "**3,943 GB**")
extra7 = 6 * GEN
assert extra7 == 3120 and free_r - extra7 == 2680 and round(free_r - extra7 - undo) == 2383
has(ref, "6 × 520 = 3,120 GB"); has(ref, "剩 2,680 GB"); has(ref, "约 2,383 GB")
assert 5 * GEN == 2600 and round(free_r - 5 * GEN - undo) == 2903; has(ref, "约 2,903 GB")
# c11 examples in the rubric
has(rubric["c11"]["text"], "4 天多存约 1,560 GB、剩约 4,240 GB"); has(rubric["c11"]["text"], "7 天多存约 3,120 GB、剩约 2,680 GB")
# per-table fallback on the primary: undo of the largest table's snapshot
items_h = hours(full_end(1.90e6))
assert round(items_h, 1) == 27.4 and items_h < 48 and round(items_h * gen_h * ratio) == 138 and 138 < 298
has(ref, "单表全量 27.4 h"); has(ref, "undo 约 138 GB")

# --- catch-up -------------------------------------------------------------------------------
net = 55 - gen_h
catch = backlog / net
assert round(gen_h, 1) == 21.7 and round(net, 1) == 33.3 and round(catch, 1) == 38.3
for s in ["21.7 GB/h", "**33.3 GB/h**", "**38.3 h**"]:
    has(ref, s)
assert hm(ends["3"] + dt.timedelta(hours=catch)) == "12-20 00:12"; has(ref, "**12-20 00:12**")

# --- settle-recon TRUNCATE stalls r1 behind the snapshot ------------------------------------
first_trunc = dt.datetime(2026, 12, 16, 2, 10)
assert first_trunc > START and first_trunc < ends["3"]
stall = hours(ends["3"], first_trunc)
relay = stall * gen_h
assert round(stall, 1) == 55.7 and round(relay) == 1208
has(ref, "12-16 02:10"); has(ref, "**55.7 h**"); has(ref, "**1,208 GB**")
left7 = round(free_r - extra7 - undo) - round(relay)
left4 = round(min4) - round(relay)
assert left7 == 1175 and left7 < red_r and left4 == 2735 and left4 > red_r
has(ref, "2,383 − 1,208 ≈ **1,175 GB**"); has(ref, "**2,735 GB**")
stall2 = hours(ends["3"], first_trunc + dt.timedelta(days=1))
assert 600 <= stall2 * gen_h <= 1300 and 600 <= relay <= 1300  # c16 tolerance, both start nights

# --- refund_audit rebuild on the db3 primary ----------------------------------------------
assert free_p - 250 == 1200 and 1200 - red_p == 48
has(ref, "1,450 − 250 = **1,200 GB**"); has(ref, "**48 GB**")

# --- verification, settle-recon window, dates --------------------------------------------
assert round(19 * 4.1 / 1.8, 1) == 43.3; has(ref, "**43.3 h**")
assert (dt.datetime(2026, 12, 2, 2, 10) + dt.timedelta(minutes=34, seconds=58)).strftime("%H:%M") == "02:44"
has(ref, "02:10–02:45"); has(ref, "34m58s")
assert dt.date(2026, 11, 7).strftime("%a") == "Sat" and dt.date(2027, 1, 2).strftime("%a") == "Sat"
has(ref, "11-07"); has(ref, "2027-01-02")
cut = dt.date(2027, 1, 12)
assert cut.strftime("%a") == "Tue" and cut < dt.date(2027, 1, 25)
assert dt.date(2027, 1, 13).strftime("%a") == "Wed" and dt.date(2027, 1, 14).strftime("%a") == "Thu"
has(ref, "2027-01-12（周二）03:00"); has(ref, "01-25")
assert dt.date(2026, 12, 9) < dt.date(2026, 12, 10) and START.date() > dt.date(2026, 12, 14)
assert sum(c["weight"] for c in task["rubric"] if c["dimension"] == "Structure & Formatting") <= 0.1 * sum(c["weight"] for c in task["rubric"])
print("cs-arch-0102: all checks passed")
