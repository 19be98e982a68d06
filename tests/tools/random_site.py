#!/usr/bin/env python3
"""A site of random stories that use every built-in shortcode, for the
nothing-lost test.

    random_site.py DIR SEED [PAGES]

Writes DIR/content/stories/2020/r<N>.md (and a photo each page's figures
and galleries show, copied from PHOTO in the environment) with headings,
paragraphs, emphasis, links, lists, tables, block quotes and the
shortcodes quote, policy-box, figure, gallery and video, nested at times.
Every sentence is unique (it carries a number), so a sentence found in an
output was not found by chance.
"""
import os
import random
import shutil
import sys

WORDS = ["养蜂", "大棚", "黄瓜", "木耳", "合作社", "帮扶干部", "第一书记", "小额贷款", "村集体",
         "产业项目", "贫困户", "增收", "订单", "收购", "冷库", "电商", "技术员", "培训"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.n = 0

    def sentence(self):
        self.n += 1
        w = self.r.sample(WORDS, 3)
        return f"第{self.n}句讲{w[0]}和{w[1]}，还有{w[2]}{self.r.randint(10, 9999)}元。"

    def para(self, k=None):
        k = k or self.r.randint(1, 3)
        s = "".join(self.sentence() for _ in range(k))
        if self.r.random() < 0.3:
            s = s.replace("讲", "讲**重点**", 1)
        if self.r.random() < 0.2:
            s = s.replace("还有", "还有[链接文字](/stories/)", 1)
        return s

    def block(self, depth=0):
        c = self.r.randint(0, 9 if depth < 2 else 4)
        if c <= 2:
            return self.para()
        if c == 3:
            return "## " + self.sentence().rstrip("。")
        if c == 4:
            return "\n".join(f"{'1.' if self.r.random() < .5 else '-'} {self.sentence()}"
                             for _ in range(self.r.randint(2, 4)))
        if c == 5:
            rows = ["| 项目 | 说明 |", "| --- | --- |"]
            for _ in range(self.r.randint(1, 3)):
                rows.append(f"| {self.sentence()} | {self.sentence()} |")
            return "\n".join(rows)
        if c == 6:
            return (f'::: quote speaker="讲述人{self.n}" role="村民{self.n}"\n'
                    f"{self.inner(depth)}\n:::")
        if c == 7:
            return (f'::: policy-box title="要点{self.n}" who="对象{self.n}" where="地点{self.n}" '
                    f'contact="电话{self.n}"\n{self.inner(depth)}\n:::')
        if c == 8:
            cap = self.sentence()
            return (f'::: figure src=photo.jpg caption="{cap}" credit="记者{self.n}" alt="图"\n'
                    f"{self.inner(depth) if self.r.random() < .5 else ''}\n:::")
        return (f'::: gallery title="图集{self.n}"\n![图](photo.jpg "{self.sentence()}")\n\n'
                f"{self.para(1)}\n:::\n\n"
                f'::: video src=/video/v{self.n}.mp4 title="视频{self.n}" duration="2:{self.n % 60:02d}"\n'
                f"{self.para(1)}\n:::")

    def inner(self, depth):
        return "\n\n".join(self.block(depth + 1) if self.r.random() < .3 else self.para()
                           for _ in range(self.r.randint(1, 2)))


def main():
    out, seed = sys.argv[1], int(sys.argv[2])
    pages = int(sys.argv[3]) if len(sys.argv) > 3 else 12
    g = Gen(seed)
    for i in range(pages):
        folder = os.path.join(out, "content", "stories", "2020", f"r{i}")
        os.makedirs(folder, exist_ok=True)
        shutil.copy(os.environ["PHOTO"], os.path.join(folder, "photo.jpg"))
        body = "\n\n".join(g.block() for _ in range(g.r.randint(4, 9)))
        with open(os.path.join(folder, "index.md"), "w", encoding="utf-8") as f:
            f.write(f"---\ntitle: 随机稿件{i}\ndate: 2020-05-{i % 28 + 1:02d}\n"
                    f"source: 测试\nreprint: with-attribution\n---\n{body}\n")


if __name__ == "__main__":
    main()
