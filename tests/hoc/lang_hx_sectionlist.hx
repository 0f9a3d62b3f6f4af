// .hx sugar: `sectionlist NAME` declares an objref holding a new SectionList (per instance in templates).
begintemplate Cell
public soma, dends
create soma, dend[2]
sectionlist dends
proc init() { dend[0] dends.append()  dend[1] dends.append() }
endtemplate Cell
objref c
c = new Cell()
forsec c.dends print secname()
// expect: Cell[0].dend[0]
// expect: Cell[0].dend[1]
sectionlist top
print top
// expect: SectionList[1] 
