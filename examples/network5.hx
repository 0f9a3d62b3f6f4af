// network5.hx -- the seeds' 5-cell network with graded glutamate synapses.
//
// Five cells, each with five branches (parents -1, 0, 0, 1, 1) of 8 compartments
// (10 um x 1 um radius each, Ra 5000 ohm cm), HH everywhere.  Cells 0-1 are fully connected
// to cells 2-4 with GlutamateSynapse (fully_connect: pre = centre of the first compartment of
// branch 0, post = the same place on the postsynaptic cell; `vpre` follows the presynaptic v).
// A 2 ms current pulse into cells 0 and 1 makes them spike; the synapses depolarise 2-4.

begintemplate Cell
public branch, all
create branch[5]
objref all
proc init() { local i
    connect branch[1](0), branch[0](1)
    connect branch[2](0), branch[0](1)
    connect branch[3](0), branch[1](1)
    connect branch[4](0), branch[1](1)
    all = new SectionList()
    for i = 0, 4 branch[i] {
        L = 80  diam = 2  nseg = 8  Ra = 5000
        insert hh
        all.append()
    }
}
endtemplate Cell

objref cells[5], pre, post, stims[2], rec[5], tvec
pre = new List()
post = new List()
for i = 0, 4 cells[i] = new Cell()
for i = 0, 1 pre.append(cells[i])
for i = 2, 4 post.append(cells[i])

fully_connect(pre, post, "GlutamateSynapse")
// gS: the tutorial's 0.5 mS/cm2 on a seed compartment, in uS; s starts at 0.2 as in Jaxley
{printf("%d synapses, gS = %g uS\n", hocx_synapses.count(), hocx_synapses.object(0).gS)}

// 3 ms delay, 2 ms, into the first compartment of each presynaptic cell
for i = 0, 1 cells[i].branch[0] {
    stims[i] = new IClamp(0.0625)
    stims[i].del = 3
    stims[i].dur = 2
    stims[i].amp = 0.05
}

tvec = new Vector()
{tvec.record(&t)}
for i = 0, 4 {
    rec[i] = new Vector()
    {rec[i].record(&cells[i].branch[0].v(0.0625))}
}

v_init = -65
dt = 0.025
tstop = 30
{finitialize(v_init)}
{while (t < tstop - dt/2) fadvance()}

for i = 0, 4 printf("cell %d: peak %7.2f mV at %5.2f ms, final %7.2f mV\n", i, rec[i].max(), tvec.x[rec[i].max_ind()], rec[i].x[rec[i].size() - 1])
