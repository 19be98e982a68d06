#!/usr/bin/env python3
"""Generate a synthetic gazette site for benchmarking.

    scripts/gencorpus.py --stories N --policies M --seed S [--hugo DIR] OUT_DIR

Writes OUT_DIR/site.yml and OUT_DIR/content/{stories/<year>,policies}/<slug>.md:
Chinese poverty-alleviation stories and policy documents with YAML front matter
(title, date 2015-2020, slug, summary, township, village, industry, people,
tags, author, source, reprint; policies add topic, department, effective,
contact) and Markdown bodies of 800-2500 characters (## headings, paragraphs,
bullet and numbered lists, a block quote, a GFM table in ~30%, bold, a link).

With --hugo DIR the same content files are also written under DIR/content,
together with DIR/config.yaml and DIR/layouts/ copied from scripts/bench-hugo/.

Output is a pure function of the arguments (random.Random(seed), no clock, no
hash-order dependence).  Standard library only.
"""

import argparse
import datetime
import json
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
HUGO_SKELETON = os.path.join(HERE, "bench-hugo")
MARKER = ".gencorpus"  # written into every root we fill; guards the rmtree of content/

SITE_YML = """\
title: 基准测试站点
base_url: https://bench.example.org/
language: zh-CN
theme: default
paginate: 10
taxonomies: {township: 乡镇, village: 村, industry: 产业, people: 人物, tags: 标签}
"""

# --------------------------------------------------------------------------
# Fixed vocabulary (independent of the seed: the seed picks from it).

TOWNSHIPS = ["穆棱镇", "下城子镇", "八面通镇", "马桥河镇", "兴源镇", "河西镇",
             "福禄乡", "共和乡", "青山乡", "柳河镇", "石头河镇", "新安镇"]
_V1 = ["东", "西", "南", "北", "新", "老", "大", "小", "上", "下", "前", "后"]
_V2 = ["河", "山", "林", "岭", "沟", "屯", "营", "庄", "湾", "坪"]
VILLAGES = [a + b + "村" for a in _V1 for b in _V2]            # 120
# each township owns 10 villages (deterministic interleave)
TOWNSHIP_VILLAGES = {t: VILLAGES[i::len(TOWNSHIPS)] for i, t in enumerate(TOWNSHIPS)}

INDUSTRIES = ["黑木耳", "养蜂", "中药材", "光伏", "乡村旅游", "农村电商", "肉牛养殖",
              "生猪养殖", "大棚蔬菜", "食用菌", "蓝莓", "水稻", "林下经济", "手工编织",
              "劳务输出"]
INDUSTRY_EN = ["fungus", "bees", "herbs", "solar", "tourism", "ecommerce", "cattle",
               "pigs", "greenhouse", "mushroom", "blueberry", "rice", "forest",
               "weaving", "labour"]

TAGS = ["产业扶贫", "教育扶贫", "健康扶贫", "易地搬迁", "危房改造", "金融扶贫", "消费扶贫",
        "就业扶贫", "生态扶贫", "党建引领", "驻村工作队", "第一书记", "合作社", "致富带头人",
        "小额信贷", "兜底保障", "饮水安全", "基础设施", "村容村貌", "脱贫攻坚", "乡村振兴",
        "精准识别", "结对帮扶", "扶志扶智", "技能培训", "电商扶贫", "光伏扶贫", "旅游扶贫",
        "医疗保障", "低保", "残疾人帮扶", "留守儿童", "返乡创业", "龙头企业", "订单农业",
        "集体经济", "道路硬化", "网络覆盖", "文化下乡", "志愿服务"]

_SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡",
             "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐",
             "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭",
             "吕", "孟", "姜", "崔", "白", "田", "石", "潘", "贺", "金", "顾"]
_SURNAMES_PY = ["wang", "li", "zhang", "liu", "chen", "yang", "zhao", "huang", "zhou",
                "wu", "xu", "sun", "hu", "zhu", "gao", "lin", "he", "guo", "ma", "luo",
                "liang", "song", "zheng", "xie", "han", "tang", "feng", "yu", "dong",
                "xiao", "cheng", "cao", "yuan", "deng", "xu", "fu", "shen", "zeng",
                "peng", "lv", "meng", "jiang", "cui", "bai", "tian", "shi", "pan", "he",
                "jin", "gu"]
_GIVEN = ["青龙", "春梅", "国庆", "建华", "秀兰", "玉芬", "志强", "海燕", "德福", "长林",
          "桂英", "树森", "丽娟", "永胜", "凤霞", "金山", "红梅", "宝田", "淑珍", "立新",
          "云飞", "晓东", "振国", "翠花", "文斌", "庆丰", "美玲", "成林", "兰芝", "守业"]
_GIVEN_PY = ["qinglong", "chunmei", "guoqing", "jianhua", "xiulan", "yufen", "zhiqiang",
             "haiyan", "defu", "changlin", "guiying", "shusen", "lijuan", "yongsheng",
             "fengxia", "jinshan", "hongmei", "baotian", "shuzhen", "lixin", "yunfei",
             "xiaodong", "zhenguo", "cuihua", "wenbin", "qingfeng", "meiling", "chenglin",
             "lanzhi", "shouye"]


def _people():
    r = random.Random(20151231)  # fixed: the pool is the same for every seed
    seen, out = set(), []
    while len(out) < 300:
        i, j = r.randrange(len(_SURNAMES)), r.randrange(len(_GIVEN))
        name = _SURNAMES[i] + _GIVEN[j]
        if name not in seen:
            seen.add(name)
            out.append((name, _SURNAMES_PY[i] + "-" + _GIVEN_PY[j]))
    return out


PEOPLE = _people()                     # [(汉字, pinyin)] ×300
PEOPLE_NAMES = [p[0] for p in PEOPLE]

AUTHORS = ["县融媒体中心记者 孙晓峰", "通讯员 李雪", "记者 王海洋", "记者 赵春燕", "通讯员 周明",
           "县扶贫办 刘建国", "记者 陈思远", "通讯员 高丽", "记者 马骏", "特约记者 郭晓婷",
           "记者 林一凡", "通讯员 何淑芬", "记者 宋佳", "驻村工作队 韩冰", "记者 唐毅"]
SOURCES = ["县融媒体中心", "县扶贫开发领导小组办公室", "牡丹江日报", "黑龙江日报", "新华社",
           "人民网", "东北网", "县委宣传部", "乡镇供稿", "农民日报"]

POLICY_TOPICS = [("产业扶贫", "industry"), ("教育扶贫", "education"), ("健康扶贫", "health"),
                 ("易地扶贫搬迁", "relocation"), ("金融扶贫", "finance"),
                 ("就业扶贫", "employment"), ("危房改造", "housing"), ("兜底保障", "welfare"),
                 ("消费扶贫", "consumption"), ("生态扶贫", "ecology"),
                 ("基础设施建设", "infrastructure"), ("驻村帮扶", "village-teams")]
DEPARTMENTS = ["县扶贫开发领导小组办公室", "县人民政府办公室", "县财政局", "县教育局",
               "县卫生健康局", "县人力资源和社会保障局", "县住房和城乡建设局", "县民政局",
               "县农业农村局", "县医疗保障局", "县交通运输局", "县水务局"]
POLICY_KINDS = ["实施方案", "若干措施", "管理办法", "实施细则", "工作意见", "行动计划"]
POLICY_VERBS = ["关于印发", "关于进一步加强", "关于做好", "关于支持", "关于规范", "关于推进"]

SLUG_WORDS = ["bees", "fungus", "road", "school", "clinic", "harvest", "market", "river",
              "bridge", "orchard", "village", "co-op", "solar", "cattle", "greenhouse",
              "workshop", "spring", "loan", "homes", "water", "tea", "honey", "forest",
              "training", "family", "youth", "teacher", "doctor", "volunteer", "secretary"]

# --------------------------------------------------------------------------
# Phrase fragments.  {name} {village} {township} {industry} {k} {n} {p} {y}
# are filled per use by Ctx below.

TIMES = ["{y}年春天", "去年秋收以后", "脱贫攻坚战打响以来", "近三年来", "今年一季度",
         "{y}年初", "每到农闲时节", "驻村工作队进村后", "入冬以来", "刚进村那会儿",
         "{y}年下半年", "从那时起", "几年间", "在县里的支持下", "开春以后", "年初以来",
         "第一书记到任后的第一个月", "合作社成立之初"]
SUBJECTS = ["驻村工作队", "村党支部", "第一书记{name}", "合作社理事长{name}", "贫困户{name}",
            "县扶贫办", "{township}党委", "帮扶干部{name}", "村“两委”班子", "致富带头人{name}",
            "{township}政府", "当地龙头企业", "返乡青年{name}", "{village}", "村民{name}",
            "包扶单位", "县农业技术推广中心", "镇村两级干部", "结对帮扶责任人{name}",
            "{village}党员志愿服务队"]
ACTIONS = ["挨家挨户走访了", "组织召开了", "积极争取到", "带领群众发展", "手把手传授",
           "先后投入", "建成了", "引进了", "帮助贫困户申请了", "牵头成立了", "多方协调落实了",
           "因地制宜发展", "集中力量推进", "连续三年开展", "创新推出了", "整合资金实施了",
           "一门心思扑在", "带头流转土地建设"]
OBJECTS = ["{industry}种植基地", "扶贫车间", "小额信贷资金{k}万元", "技术培训班{k}期",
           "村级光伏电站", "入户道路{k}公里", "标准化大棚{k}栋", "产销对接会", "{industry}专业合作社",
           "“一户一策”帮扶台账", "安全饮水工程", "电商服务站", "{industry}示范园区",
           "危房改造项目{k}户", "村集体经济项目", "公益性岗位{k}个", "冷链仓储设施",
           "订单收购协议", "农家书屋和文化广场", "扶贫产业项目{k}个"]
RESULTS = ["带动{k}户贫困户稳定增收", "户均年增收{n}元", "全村贫困发生率降至{p}%",
           "让群众真正得到了实惠", "村集体经济收入突破{k}万元", "{k}名贫困群众实现了家门口就业",
           "产品远销北京、上海等地", "群众的腰包一天天鼓了起来", "贫困户全部实现了稳定脱贫",
           "亩均效益提高了{c}成", "{industry}成了村里的“金疙瘩”", "昔日的穷山沟变了模样",
           "脱贫群众的内生动力明显增强", "困扰多年的出行难问题彻底解决",
           "当年就实现了分红{n}元", "全村人均纯收入达到{n}元"]
PRINCIPLES = ["“输血”与“造血”并重", "扶贫先扶志、扶贫必扶智", "精准识别、精准施策",
              "宜农则农、宜林则林", "一村一品、一户一策", "群众主体、党建引领",
              "短期见效与长期增收相结合"]
CONNECTIVES = ["与此同时，", "在此基础上，", "不仅如此，", "据统计，", "截至目前，", "值得一提的是，",
               "此外，", "为此，", "更重要的是，", "说起这些变化，", "如今，", "同时，"]
QUOTES = ["以前一年到头也挣不了几个钱，现在在家门口就能打工", "日子越过越有奔头了",
          "没想到小小的{industry}能让我们家翻了身", "党的政策好，干部们真是把我们的事当成自己的事",
          "只要肯干，就没有过不去的坎", "我们要把{industry}这块牌子擦得更亮",
          "当初谁也不信这片荒坡能长出钱来", "孩子上学不用愁了，看病也有了保障",
          "脱贫不是终点，而是新生活的起点", "现在村里的路宽了，灯亮了，人心也齐了"]
QUESTIONS = ["怎样才能让脱贫成果真正稳得住？", "产业怎么选、钱从哪里来？",
             "贫困户不愿干、不会干怎么办？", "产品卖不出去怎么办？", "扶贫资金怎样才能用在刀刃上？",
             "搬得出之后，如何稳得住、能致富？"]
EXCLAIMS = ["这在过去是想都不敢想的事！", "{village}变了！", "好日子是干出来的！",
            "这一年，{k}户贫困户全部摘了“穷帽子”！"]
HEADINGS = ["从“输血”到“造血”", "产业兴起来", "干部沉下去", "群众富起来", "扶贫先扶志",
            "一张蓝图干到底", "闯出新路子", "家门口就业", "下一步打算", "群众说", "数字里的变化",
            "{industry}成了“金疙瘩”", "小院里的大变化", "把支部建在产业链上", "算好增收账",
            "村里来了第一书记", "补齐短板", "难在哪里", "经验与启示", "背景", "办法总比困难多",
            "稳住脱贫成果"]
POLICY_HEADINGS = ["总体要求", "支持对象", "支持标准", "资金来源与管理", "申报程序", "工作措施",
                   "职责分工", "保障措施", "监督检查", "附则"]
LIST_ITEMS = ["新建{industry}标准化基地{k}亩", "为{k}户贫困户发放小额信贷", "开展实用技术培训{k}场次",
              "建立“一户一策”帮扶台账", "落实公益性岗位{k}个", "完成危房改造{k}户",
              "硬化村内道路{k}公里", "组建{industry}专业合作社", "设立村级电商服务站",
              "引进龙头企业开展订单收购", "实现安全饮水全覆盖", "落实教育资助政策",
              "家庭医生签约服务全覆盖", "建立防返贫监测机制", "每月召开一次群众议事会",
              "资金使用情况张榜公示", "对脱贫户开展“回头看”", "帮扶干部每周入户一次"]
CITED = ["《中共中央 国务院关于打赢脱贫攻坚战的决定》", "《“十三五”脱贫攻坚规划》",
         "《关于打赢脱贫攻坚战三年行动的指导意见》", "省委省政府《关于坚决打赢脱贫攻坚战的实施意见》"]
CITED_TEXT = ["确保到2020年农村贫困人口实现脱贫", "把提高脱贫质量放在首位",
              "坚持脱贫攻坚与锻炼培养干部相结合", "建立健全稳定脱贫长效机制",
              "坚持大扶贫格局，注重扶贫同扶志、扶智相结合"]
SAYS = ["笑着说", "感慨地说", "告诉记者", "说", "高兴地说", "深有感触地说"]
LINK_TEXTS = ["县扶贫开发领导小组办公室公告", "相关政策解读", "项目公示名单", "原文链接",
              "扶贫产品目录", "监督举报电话及办理流程"]


class Ctx(dict):
    """format_map() mapping that invents a fresh value for every placeholder."""

    def __init__(self, rng, doc):
        super().__init__()
        self.rng = rng
        self.doc = doc

    def __missing__(self, key):
        r = self.rng
        d = self.doc
        if key == "name":
            if d["people"] and r.random() < 0.5:
                return r.choice(d["people"])
            return r.choice(PEOPLE_NAMES)
        if key == "village":
            return d["village"] if r.random() < 0.7 else r.choice(VILLAGES)
        if key == "township":
            return d["township"]
        if key == "industry":
            return r.choice(d["industry"])
        if key == "k":
            return str(r.randint(2, 98))
        if key == "n":
            return str(r.randrange(1200, 48000, 100))
        if key == "p":
            return "%d.%d" % (r.randint(0, 2), r.randint(0, 9))
        if key == "y":
            return str(r.randint(2014, 2020))
        if key == "c":
            return str(r.randint(1, 9))
        raise KeyError(key)


def textlen(s):
    """Characters that count as Chinese text: ideographs and full-width
    punctuation (everything outside ASCII; Markdown syntax is ASCII)."""
    return len(s) - len(s.encode("ascii", "ignore"))


MIN_CHARS, MAX_CHARS = 800, 2500


class Writer:
    def __init__(self, rng):
        self.r = rng

    def fill(self, s, ctx):
        return s.format_map(ctx) if "{" in s else s

    def sentence(self, ctx, bold=False):
        r = self.r
        c = r.choice
        f = self.fill
        t = 0.0 if bold else r.random()
        if t < 0.30:
            res = f(c(RESULTS), ctx)
            if bold:
                res = "**" + res + "**"
            s = f(c(TIMES), ctx) + "，" + f(c(SUBJECTS), ctx) + f(c(ACTIONS), ctx) + \
                f(c(OBJECTS), ctx) + "，" + res + "。"
        elif t < 0.55:
            s = c(CONNECTIVES) + f(c(SUBJECTS), ctx) + f(c(ACTIONS), ctx) + \
                f(c(OBJECTS), ctx) + "、" + f(c(OBJECTS), ctx) + "，" + f(c(RESULTS), ctx) + "。"
        elif t < 0.70:
            s = f(c(SUBJECTS), ctx) + "坚持" + c(PRINCIPLES) + "，" + f(c(ACTIONS), ctx) + \
                f(c(OBJECTS), ctx) + "。"
        elif t < 0.78:
            s = "“" + f(c(QUOTES), ctx) + "。”" + f("{name}", ctx) + c(SAYS) + "，“" + \
                f(c(QUOTES), ctx) + c("。！") + "”"
        elif t < 0.90:
            s = c(QUESTIONS) + f(c(SUBJECTS), ctx) + "的回答是：" + c(PRINCIPLES) + "。"
        elif t < 0.95:
            s = f(c(EXCLAIMS), ctx)
        else:
            y0 = r.randint(2014, 2018)
            s = "从%d年到%d年，" % (y0, r.randint(y0 + 1, 2020)) + f(c(SUBJECTS), ctx) + \
                "累计" + f(c(ACTIONS), ctx) + f(c(OBJECTS), ctx) + "，" + f(c(RESULTS), ctx) + "。"
        return s

    def paragraph(self, ctx, bold=False):
        r = self.r
        n = r.randint(2, 5)
        bold_at = r.randrange(n) if bold or r.random() < 0.2 else -1
        return "".join(self.sentence(ctx, i == bold_at) for i in range(n))

    def bullet_list(self, ctx, numbered):
        r = self.r
        items = r.sample(LIST_ITEMS, r.randint(3, 5))
        out = []
        for i, it in enumerate(items, 1):
            text = self.fill(it, ctx)
            if r.random() < 0.4:
                text += "，" + self.fill(r.choice(RESULTS), ctx)
            text += "；" if i < len(items) else "。"
            out.append(("%d. " % i if numbered else "- ") + text)
        return "\n".join(out)

    def quote(self, ctx):
        r = self.r
        return "> “" + self.fill(r.choice(QUOTES), ctx) + "，" + self.fill(r.choice(QUOTES), ctx) + \
            "。”\n>\n> ——" + self.fill("{village}村民{name}", ctx)

    def table(self, ctx, year):
        r = self.r
        y0 = max(2014, min(year, 2020) - r.randint(3, 5))
        households = r.randint(60, 400)
        income = r.randrange(2400, 4200, 10)
        rows = ["| 年份 | 贫困户（户） | 贫困人口（人） | 人均纯收入（元） |",
                "| --- | ---: | ---: | ---: |"]
        for y in range(y0, min(year, 2020) + 1):
            people = households * r.randint(22, 31) // 10
            rows.append("| %d | %d | %d | %s |" % (y, households, people, format(income, ",")))
            households = max(0, households - r.randint(households // 4, households // 2 + 1))
            income += r.randrange(900, 2600, 10)
        return "\n".join(rows)

    def citation(self):
        r = self.r
        return "> " + r.choice(CITED) + "指出：“" + r.choice(PRINCIPLES) + "，" + \
            r.choice(CITED_TEXT) + "。”"

    def link(self, ctx, year):
        r = self.r
        return "详情可查阅[%s](https://fupin.example.gov.cn/notice/%d/%04d.html)。" % (
            r.choice(LINK_TEXTS), year, r.randint(1, 9999))

    def body(self, ctx, year, policy):
        """Markdown body of roughly 800-2500 characters of text."""
        r = self.r
        target = r.randint(MIN_CHARS, MAX_CHARS)
        heads = r.sample(POLICY_HEADINGS if policy else HEADINGS, r.randint(3, 5))
        if policy:
            heads.sort(key=POLICY_HEADINGS.index)
            nums = "一二三四五六"
            heads = [nums[i] + "、" + h for i, h in enumerate(heads)]
        else:
            heads = [self.fill(h, ctx) for h in heads]
        # structural pieces, placed in random sections
        extras = [self.bullet_list(ctx, False), self.bullet_list(ctx, True),
                  self.citation() if policy else self.quote(ctx)]
        if r.random() < 0.3:
            extras.append("下表为" + self.fill("{village}", ctx) + "近年来的脱贫数据：\n\n" +
                          self.table(ctx, year))
        slots = [[] for _ in heads]
        for e in extras:
            slots[r.randrange(len(heads))].append(e)
        size = sum(map(textlen, extras))

        # lead paragraph, then each section gets at least one paragraph;
        # keep adding paragraphs round-robin until the target is reached.
        lead = self.paragraph(ctx, bold=True)
        if policy:
            lead = "为深入贯彻落实精准扶贫、精准脱贫基本方略，" + \
                "结合我县实际，制定本" + r.choice(POLICY_KINDS) + "。" + lead
        size += textlen(lead)
        paras = [[] for _ in heads]
        for p in paras:
            t = self.paragraph(ctx)
            p.append(t)
            size += textlen(t)
        i = 0
        while size < target:
            t = self.paragraph(ctx)
            if size + textlen(t) > MAX_CHARS - 60:  # room for the link line
                break
            paras[i % len(heads)].append(t)
            size += textlen(t)
            i += 1
        # one link, in the last section
        paras[-1].append(self.link(ctx, year))

        out = [lead]
        for h, ps, ex in zip(heads, paras, slots):
            out.append("## " + h)
            # interleave: extras after the first paragraph of the section
            out.append(ps[0])
            out.extend(ex)
            out.extend(ps[1:])
        return "\n\n".join(out) + "\n"


# --------------------------------------------------------------------------

EPOCH = datetime.date(2015, 1, 1)
SPAN = (datetime.date(2020, 12, 31) - EPOCH).days + 1


def q(s):
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


def ql(xs):
    return "[" + ", ".join(q(x) for x in xs) + "]"


def story_title(r, w, ctx):
    t = r.randrange(7)
    if t == 0:
        return ctx.doc["village"] + "：" + ctx["industry"] + "产业铺就致富路"
    if t == 1:
        return ctx["name"] + "的脱贫账本"
    if t == 2:
        return ctx.doc["township"] + ctx.doc["village"] + "：" + w.fill(r.choice(RESULTS), ctx)
    if t == 3:
        return "小" + ctx["industry"] + "做成大产业——" + ctx.doc["village"] + "脱贫纪实"
    if t == 4:
        return "“" + w.fill(r.choice(QUOTES), ctx) + "”——记" + ctx.doc["village"] + \
            r.choice(["第一书记", "致富带头人", "合作社理事长", "脱贫户"]) + ctx["name"]
    if t == 5:
        return ctx.doc["village"] + ctx["k"] + "户贫困户稳定脱贫"
    return ctx.doc["township"] + "：" + r.choice(PRINCIPLES) + "，" + ctx["industry"] + "富了一方百姓"


def front_common(r, doc):
    township = r.choice(TOWNSHIPS)
    doc["township"] = township
    doc["village"] = r.choice(TOWNSHIP_VILLAGES[township])
    ind = r.sample(range(len(INDUSTRIES)), r.randint(1, 2))
    doc["industry"] = [INDUSTRIES[i] for i in ind]
    doc["industry_en"] = INDUSTRY_EN[ind[0]]
    doc["people_idx"] = r.sample(range(len(PEOPLE)), r.choice((0, 1, 1, 2)))
    doc["people"] = [PEOPLE[i][0] for i in doc["people_idx"]]
    doc["tags"] = r.sample(TAGS, r.randint(2, 4))
    doc["date"] = EPOCH + datetime.timedelta(days=r.randrange(SPAN))


def render(fields, body):
    lines = ["---"]
    for k, v in fields:
        lines.append("%s: %s" % (k, v))
    lines.append("---")
    lines.append("")
    return "\n".join(lines) + "\n" + body


def gen_story(r, w, slugs):
    doc = {}
    front_common(r, doc)
    ctx = Ctx(r, doc)
    if doc["people_idx"]:
        base = PEOPLE[doc["people_idx"][0]][1] + "-" + doc["industry_en"]
    else:
        base = r.choice(SLUG_WORDS) + "-" + doc["industry_en"]
    slug, n = base, 2
    while slug in slugs:
        slug = "%s-%d" % (base, n)
        n += 1
    slugs.add(slug)
    title = story_title(r, w, ctx)
    summary = w.fill(r.choice(TIMES), ctx) + "，" + doc["village"] + w.fill(r.choice(ACTIONS), ctx) + \
        w.fill(r.choice(OBJECTS), ctx) + "，" + w.fill(r.choice(RESULTS), ctx) + "。"
    d = doc["date"]
    fields = [
        ("title", q(title)),
        ("date", d.isoformat()),
        ("slug", slug),
        ("summary", q(summary)),
        ("township", q(doc["township"])),
        ("village", q(doc["village"])),
        ("industry", ql(doc["industry"])),
        ("people", ql(doc["people"])),
        ("tags", ql(doc["tags"])),
        ("author", q(r.choice(AUTHORS))),
        ("source", q(r.choice(SOURCES))),
        ("reprint", "forbidden" if r.random() < 0.2 else "with-attribution"),
    ]
    body = w.body(ctx, d.year, policy=False)
    return os.path.join("stories", str(d.year), slug + ".md"), render(fields, body)


def gen_policy(r, w, slugs):
    doc = {}
    front_common(r, doc)
    ctx = Ctx(r, doc)
    topic, topic_en = r.choice(POLICY_TOPICS)
    d = doc["date"]
    base = "%s-%d" % (topic_en, d.year)
    n = 1
    while "%s-%03d" % (base, n) in slugs:
        n += 1
    slug = "%s-%03d" % (base, n)
    slugs.add(slug)
    dept = r.choice(DEPARTMENTS)
    title = "%s%s%s%s的通知" % (r.choice(POLICY_VERBS), r.choice(["", "全县", "我县"]),
                               topic, r.choice(POLICY_KINDS))
    summary = "为深入贯彻落实精准扶贫精准脱贫基本方略，" + dept + "就" + topic + \
        "工作明确了支持对象、支持标准和工作措施。"
    effective = d + datetime.timedelta(days=r.choice((0, 0, 15, 30, 31)))
    fields = [
        ("title", q(title)),
        ("date", d.isoformat()),
        ("slug", slug),
        ("summary", q(summary)),
        ("township", q(doc["township"])),
        ("village", q(doc["village"])),
        ("industry", ql(doc["industry"])),
        ("people", ql(doc["people"])),
        ("tags", ql(doc["tags"])),
        ("author", q(dept)),
        ("source", q(dept)),
        ("reprint", "forbidden" if r.random() < 0.1 else "with-attribution"),
        ("topic", q(topic)),
        ("department", q(dept)),
        ("effective", effective.isoformat()),
        ("contact", q("0453-%07d" % r.randint(3000000, 3999999))),
    ]
    body = w.body(ctx, d.year, policy=True)
    return os.path.join("policies", slug + ".md"), render(fields, body)


def reset_content(root, force):
    """Remove a content/ dir we generated before; refuse to touch anything else."""
    path = os.path.join(root, "content")
    if not os.path.exists(path):
        return
    if not force and not os.path.exists(os.path.join(root, MARKER)):
        if os.listdir(path):
            sys.exit("gencorpus: %s exists and was not made by gencorpus; "
                     "refusing to replace it (use --force)" % path)
    shutil.rmtree(path)


def copy_hugo_skeleton(dst, force):
    cfg = os.path.join(HUGO_SKELETON, "config.yaml")
    lay = os.path.join(HUGO_SKELETON, "layouts")
    if not os.path.isfile(cfg) or not os.path.isdir(lay):
        sys.exit("gencorpus: Hugo skeleton missing under %s" % HUGO_SKELETON)
    os.makedirs(dst, exist_ok=True)
    shutil.copyfile(cfg, os.path.join(dst, "config.yaml"))
    dl = os.path.join(dst, "layouts")
    if os.path.exists(dl):
        if not force and not os.path.exists(os.path.join(dst, MARKER)):
            sys.exit("gencorpus: %s exists and was not made by gencorpus; "
                     "refusing to replace it (use --force)" % dl)
        shutil.rmtree(dl)
    shutil.copytree(lay, dl)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stories", type=int, default=10000)
    ap.add_argument("--policies", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--hugo", metavar="DIR", help="also write the corpus as a Hugo site in DIR")
    ap.add_argument("--force", action="store_true",
                    help="replace existing content/ even if gencorpus did not create it")
    ap.add_argument("out", metavar="OUT_DIR")
    a = ap.parse_args()
    if a.stories < 0 or a.policies < 0:
        ap.error("counts must be >= 0")

    roots = [a.out] + ([a.hugo] if a.hugo else [])
    for root in roots:
        reset_content(root, a.force)
    if a.hugo:
        copy_hugo_skeleton(a.hugo, a.force)
    for root in roots:
        # marker first, so an interrupted run can be regenerated over
        os.makedirs(root, exist_ok=True)
        open(os.path.join(root, MARKER), "w").close()
    with open(os.path.join(a.out, "site.yml"), "w", encoding="utf-8") as f:
        f.write(SITE_YML)

    made = set()

    def emit(rel, text):
        data = text.encode("utf-8")
        d = os.path.dirname(rel)
        for root in roots:
            full = os.path.join(root, "content", d)
            if full not in made:
                os.makedirs(full, exist_ok=True)
                made.add(full)
            with open(os.path.join(root, "content", rel), "wb") as f:
                f.write(data)

    r = random.Random(a.seed)
    w = Writer(r)
    slugs = set()
    for _ in range(a.stories):
        emit(*gen_story(r, w, slugs))
    pslugs = set()
    for _ in range(a.policies):
        emit(*gen_policy(r, w, pslugs))
    for root in roots:
        os.makedirs(os.path.join(root, "content"), exist_ok=True)


if __name__ == "__main__":
    main()
