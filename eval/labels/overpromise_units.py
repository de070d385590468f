"""The units of overpromise.jsonl, read again from ../shared/data/: the texts are not copied into
the project (../shared/data/SOURCES.md: "do not copy it into the project"; the agent replies are
never to be republished). ``units()`` makes them exactly as when they were selected for
labelling (the labelling session's extraction script, kept as it ran: the same splitter,
filters, quotas and order; the first occurrence of a text wins). ``labelled()`` gives each line
of overpromise.jsonl with its ``text``. ``python eval/labels/overpromise_units.py`` checks every
committed ``text_sha256``.
"""
# ruff: noqa
# (kept as the labelling session ran it, so that the units are the same ones)

from __future__ import annotations

import csv
import glob
import hashlib
import html
import json
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
D = str(HERE.parent.parent.parent / "shared" / "data") + "/"


def split_sentences(t: str) -> list[str]:
    """The labelling session's splitter: after . ! ? and white space before a capital, digit,
    quote, @, (, <, ¡ or ¿."""
    t=re.sub(r'\s+',' ',t).strip()
    parts=re.split(r'(?<=[.!?])\s+(?=[A-Z0-9"“@(<¡¿])',t)
    return [p.strip() for p in parts if p.strip()]


def is_unit(s: str) -> bool:
    """At least three alphabetic words of two letters or more."""
    return len(re.findall(r'[A-Za-z]{2,}',s))>=3


def units() -> dict[str, str]:
    """id -> text of every unit drawn from ../shared/data (not the written ones)."""
    split, ok = split_sentences, is_unit
    seen=set(); units={k:[] for k in ['marketing','agent','real-copy','slogan']}
    def add(src,id_,text):
        if not ok(text) or text in seen: return
        seen.add(text); units[src].append(dict(id=id_,source=src,text=text))
    # marketing
    for i,r in enumerate(csv.DictReader(open(D+'marketing-descriptions/valid.csv'))):
        for j,s in enumerate(split(r['desc'])):
            add('marketing',f'marketing:valid.csv:{i}:{j}',s)
        if len(units['marketing'])>=3000: break
    units['marketing']=units['marketing'][:3000]
    # agent
    def mask(s): return re.sub(r'@\w+','@user',html.unescape(s))
    tw=[]
    for i,r in enumerate(csv.DictReader(open(D+'agent-replies/twcs-head.csv',newline=''))):
        if r['inbound']=='False':
            for j,s in enumerate(split(mask(r['text']))): tw.append((f'agent:twcs-head.csv:{i}:{j}',s))
    ib=[]
    for c,conv in enumerate(json.load(open(D+'agent-replies/ibm-twitter-customer-care.dev.json'))):
        for t,turn in enumerate(conv['dialogContent']):
            if 'agent' in turn:
                for j,s in enumerate(split(mask(turn['message']))): ib.append((f'agent:ibm-dev.json:{c}.{t}:{j}',s))
        u=conv.get('agentURL',{}).get('url_utterance')
        if u:
            for j,s in enumerate(split(mask(u))): ib.append((f'agent:ibm-dev.json:{c}.url:{j}',s))
    ia=[]
    for a,b in zip(tw,ib): ia+= [a,b]
    for id_,s in ia:
        if len(units['agent'])>=1500: break
        add('agent',id_,s)
    # real copy
    def strip_markup(t):
        t=re.sub(r'(?is)<(style|script|mj-style|head)[^>]*>.*?</\1>',' ',t)
        t=re.sub(r'(?s)\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}|<%.*?%>|\{!!.*?!!\}',' ',t)
        t=re.sub(r'(?s)<[^>]+>',' ',t)
        t=re.sub(r'(?m)^\s*@\w+.*$',' ',t)
        return html.unescape(t)
    prod={}
    for p in sorted(os.listdir(D+'real-copy')):
        out=[]
        for f in sorted(glob.glob(D+f'real-copy/{p}/**/*',recursive=True)):
            if os.path.isdir(f) or os.path.basename(f).startswith('LICENSE'): continue
            rel=os.path.relpath(f,D+'real-copy'); txt=open(f,encoding='utf-8',errors='replace').read()
            segs=[]
            if f.endswith('.php') and '$_[' in txt:
                for ln,line in enumerate(txt.splitlines()):
                    m=re.search(r"\$_\['[^']*'\]\s*=\s*'((?:[^'\\]|\\.)*)'",line)
                    if m: segs.append((ln+1,strip_markup(m.group(1).replace("\\'","'"))))
            elif f.endswith('.blade.php'):
                for ln,line in enumerate(txt.splitlines()):
                    for m in re.finditer(r"__\('((?:[^'\\]|\\.)*)'",line): segs.append((ln+1,m.group(1).replace("\\'","'")))
            elif f.endswith('.yml'):
                for ln,line in enumerate(txt.splitlines()):
                    m=re.match(r'\s*[\w\-]+:\s+(.+)$',line)
                    if m: segs.append((ln+1,strip_markup(m.group(1).strip().strip('"\''))))
            elif f.endswith('.json'):
                for k,rec in enumerate(json.load(open(f))):
                    fl=rec.get('fields',{})
                    if fl.get('locale')=='en':
                        for key in ['subject','heading','plain_text']: segs.append((f'{k}.{key}',strip_markup(fl.get(key,''))))
            elif f.endswith('.sql'):
                for ln,line in enumerate(txt.splitlines()):
                    for k,m in enumerate(re.finditer(r"'((?:[^'\\]|\\.|'')*)'",line)):
                        v=m.group(1).replace('\\n','\n').replace("\\'","'")
                        if ' ' in v and len(v)>20: segs.append((f'{ln+1}.{k}',strip_markup(v)))
            else:
                segs.append((0,strip_markup(txt)))
            for ln,seg in segs:
                for j,s in enumerate(split(seg)):
                    if re.search(r'lorem|ipsum|[{}%$]|=>',s,re.I): continue
                    out.append((f'real-copy:{rel}:{ln}:{j}',s))
        prod[p]=out
    idx={p:0 for p in prod}
    while len(units['real-copy'])<1200 and any(idx[p]<len(prod[p]) for p in prod):
        for p in prod:
            while idx[p]<len(prod[p]):
                id_,s=prod[p][idx[p]]; idx[p]+=1
                if ok(s) and s not in seen: add('real-copy',id_,s); break
            if len(units['real-copy'])>=1200: break
    # slogans
    for i,r in enumerate(csv.DictReader(open(D+'slogans/textart-slogans.csv'))):
        if len(units['slogan'])>=700: break
        add('slogan',f'slogan:textart-slogans.csv:{i}:0',r['slogan'].strip())
    for k,v in units.items():
        for u in v:
            u['split']='test' if int(hashlib.sha256(u['text'].encode()).hexdigest(),16)%3==0 else 'dev'
    return {u["id"]: u["text"] for v in units.values() for u in v}


# Stage 7 (2026-12-05): each source continued from where stage 6 stopped, after every earlier
# unit, so the units above are unchanged: marketing sentences to 3,900, slogans to 1,000.
STAGE7 = {"marketing": 900, "slogan": 300}


def more_units() -> dict[str, str]:
    """id -> text of the stage-7 units: the same splitter, filter and de-duplication (against
    every earlier unit and each other), continuing each source's order."""
    base = units()
    seen = set(base.values())
    out: dict[str, str] = {}
    split, ok = split_sentences, is_unit
    def take(id_, text, quota, count):
        if count >= quota or id_ in base or not ok(text) or text in seen:
            return count
        seen.add(text); out[id_] = text
        return count + 1
    last = max(int(k.split(":")[2]) for k in base if k.startswith("marketing:"))
    n = 0
    for i, r in enumerate(csv.DictReader(open(D + "marketing-descriptions/valid.csv"))):
        if i < last:
            continue
        for j, s in enumerate(split(r["desc"])):
            n = take(f"marketing:valid.csv:{i}:{j}", s, STAGE7["marketing"], n)
        if n >= STAGE7["marketing"]:
            break
    last = max(int(k.split(":")[2]) for k in base if k.startswith("slogan:"))
    n = 0
    for i, r in enumerate(csv.DictReader(open(D + "slogans/textart-slogans.csv"))):
        if i > last:
            n = take(f"slogan:textart-slogans.csv:{i}:0", r["slogan"].strip(), STAGE7["slogan"], n)
        if n >= STAGE7["slogan"]:
            break
    return out


def split_of(text: str) -> str:
    return "test" if int(hashlib.sha256(text.encode()).hexdigest(), 16) % 3 == 0 else "dev"


def labelled() -> list[dict]:
    """overpromise.jsonl, each line with its ``text`` (from ../shared/data, or as written)."""
    texts = {**units(), **more_units()}
    out = []
    for line in (HERE / "overpromise.jsonl").read_text(encoding="utf-8").splitlines():
        unit = json.loads(line)
        if "text" not in unit:
            unit["text"] = texts[unit["id"]]
        out.append(unit)
    return out


def check() -> int:
    texts = {**units(), **more_units()}
    bad = 0
    for line in (HERE / "overpromise.jsonl").read_text(encoding="utf-8").splitlines():
        unit = json.loads(line)
        if "text_sha256" in unit:
            text = texts.get(unit["id"])
            if text is None or hashlib.sha256(text.encode()).hexdigest() != unit["text_sha256"]:
                bad += 1
                print(f"{unit['id']}: not found, or not the text labelled", file=sys.stderr)
    print(f"{bad} of the units drawn from ../shared/data differ from the ones labelled")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(check())
