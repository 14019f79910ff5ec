#!/usr/bin/env python3
"""Latin -> Cyrillic Serbian. Text inside [[...]] stays Latin (brackets removed).
URLs, e-mails and Markdown link targets are kept as they are."""
import re, sys
DIG = {'Lj':'Љ','LJ':'Љ','lj':'љ','Nj':'Њ','NJ':'Њ','nj':'њ','Dž':'Џ','DŽ':'Џ','dž':'џ'}
SING = dict(zip("ABVGDĐEŽZIJKLMNOPRSTĆUFHCČŠabvgdđežzijklmnoprstćufhcčš",
                "АБВГДЂЕЖЗИЈКЛМНОПРСТЋУФХЦЧШабвгдђежзијклмнопрстћуфхцчш"))
def conv(s):
    out=[];i=0
    while i<len(s):
        two=s[i:i+2]
        if two in DIG: out.append(DIG[two]); i+=2; continue
        out.append(SING.get(s[i],s[i])); i+=1
    return ''.join(out)
KEEP = re.compile(r'\[\[(.*?)\]\]|(https?://\S+?)(?=[\s)\]>"]|$)|([\w.+-]+@[\w.-]+\w)|(www\.\S+?)(?=[\s)]|$)|(<[^>]*>)|(&\w+;)|(\{\{.*?\}\})|([\w-]+\.(?:org|net|rs|ba)\b)', re.S)
def translit(text):
    res=[];pos=0
    for m in KEEP.finditer(text):
        res.append(conv(text[pos:m.start()]))
        g=m.group(1)
        res.append(g if g is not None else m.group(0))
        pos=m.end()
    res.append(conv(text[pos:]))
    return ''.join(res)
if __name__=='__main__':
    sys.stdout.write(translit(sys.stdin.read()))
