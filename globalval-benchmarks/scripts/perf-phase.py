"""Summarise perf samples of some processes over their measured phase.

    perf-phase.py OUT.txt PID[,PID...] ELAPSED_S [TOP]

For each process: its samples within [last sample - ELAPSED_S - 0.5 s, last sample - 1 s]
(a child JVM of the harness ends soon after its phase; ELAPSED_S is the phase's
elapsed_s from the harness's line), by thread, by leaf frame and by first frame outside
the kernel and libc. OUT.txt comes from perf-profile.sh.
"""
import sys, collections, re

f=sys.argv[1]; pids=sys.argv[2].split(','); el=float(sys.argv[3]); topn=int(sys.argv[4]) if len(sys.argv)>4 else 20
samples=[]; cur=None; frames=[]
def flush():
    if cur and cur[0] in pids: samples.append((cur[0],cur[1],cur[2],frames))
for line in open(f, errors='replace'):
    if not line.strip():
        flush(); cur=None; frames=[]; continue
    if not line[0].isspace():
        m=re.match(r'(.*?)\s+(\d+)/(\d+)\s+([\d.]+):',line.strip())
        if m: cur=(m.group(2),re.sub(r'\d+','N',m.group(1).strip()),float(m.group(4))); frames=[]
        continue
    parts=line.strip().split(' ',1)
    if len(parts)==2: frames.append(re.sub(r'\+0x[0-9a-f]+','',parts[1])[:120])
flush()
last=collections.defaultdict(float)
for p,c,t,fr in samples: last[p]=max(last[p],t)
for p in pids:
    sel=[(c,fr) for (pp,c,t,fr) in samples if pp==p and last[p]-el-0.5<=t<=last[p]-1]
    n=len(sel); 
    if not n: continue
    comm=collections.Counter(c for c,fr in sel); leaf=collections.Counter(fr[0] if fr else '?' for c,fr in sel)
    jv=collections.Counter()
    for c,fr in sel:
        for x in fr:
            if 'kernel' in x or 'libc' in x or 'vdso' in x: continue
            jv[x]+=1; break
    print(f"=== pid {p}: {n} samples; threads:", ', '.join(f"{k} {v*100/n:.0f}%" for k,v in comm.most_common(7)))
    print("  leaf:"); [print(f"    {v*100/n:5.1f}% {k}") for k,v in leaf.most_common(topn)]
    print("  first user frame:"); [print(f"    {v*100/n:5.1f}% {k}") for k,v in jv.most_common(topn)]
