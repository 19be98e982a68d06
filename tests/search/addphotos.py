#!/usr/bin/env python3
"""Give a generated corpus (scripts/gencorpus.py) photos with captions.

    tests/search/addphotos.py CORPUS_DIR PHOTO [SEED]

gencorpus writes no photos; the recall test needs captions and credits to
search. Every fourth story gets PHOTO (copied to content/photos/recall.jpg)
as its cover, with a caption and a credit made from words the generator's
bodies do not use, so a query taken from a caption is found through the
caption alone.
"""
import os
import random
import shutil
import sys

corpus, photo = sys.argv[1], sys.argv[2]
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 11)

SCENES = ["晨雾里的", "落雪后的", "暮色中的", "雨过天晴的", "炊烟升起的", "麦浪翻滚的"]
THINGS = ["篱笆墙", "柿子树", "石磨盘", "老榆树", "葡萄架", "蒲公英", "向日葵", "喜鹊窝", "辘轳井",
          "红灯笼", "玉米楼子", "苇塘"]
DOINGS = ["边晾晒", "旁歇脚", "下唠嗑", "前合影", "里忙碌", "边赶集"]
WHO = ["乡亲们", "老两口", "孩子们", "驻村队员", "合作社社员"]
SHOOTERS = ["钟毓秀", "骆丹枫", "欧阳晴川", "甘露芸", "濮怀瑾", "竺清漪"]

os.makedirs(os.path.join(corpus, "content", "photos"), exist_ok=True)
shutil.copyfile(photo, os.path.join(corpus, "content", "photos", "recall.jpg"))
stories = []
for d, _, files in sorted(os.walk(os.path.join(corpus, "content", "stories"))):
    stories += [os.path.join(d, f) for f in sorted(files) if f.endswith(".md")]
for path in stories[::4]:
    text = open(path, encoding="utf-8").read()
    caption = rng.choice(SCENES) + rng.choice(THINGS) + rng.choice(DOINGS) + "，" + \
        rng.choice(WHO) + "说起今年的好收成。"
    credit = "通讯员 " + rng.choice(SHOOTERS) + " 摄"
    fm = '\ncover: /photos/recall.jpg\nphotos: [{"src": "/photos/recall.jpg", "caption": "%s", ' \
         '"credit": "%s"}]\n---\n' % (caption, credit)
    head, sep, body = text.partition("\n---\n")
    open(path, "w", encoding="utf-8").write(head + fm + body)
