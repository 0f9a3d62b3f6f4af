// synapse_sharing.hx -- sharing synaptic parameters, as in the seeds' tutorials.
//
// Six cells of two branches (2 compartments each), HH everywhere, graded IonotropicSynapses.
// (1) Cells 0-2 fully connected to cells 3-5 (9 synapses); one gS per PRESYNAPTIC cell: 3.
// (2) Six more cells fully connected all-to-all (36 synapses), with cell types exc (cells 0, 1),
//     inh (2, 3) and unknown (4, 5).  Synapses from exc or inh cells (24) are trainable, one gS
//     per (presynaptic type, postsynaptic type) pair: 2 x 3 = 6.

begintemplate Cell
public branch, all
create branch[2]
objref all
proc init() { local i
    connect branch[1](0), branch[0](1)
    all = new SectionList()
    for i = 0, 1 branch[i] {
        L = 20  diam = 2  nseg = 2  Ra = 5000
        insert hh
        all.append()
    }
}
endtemplate Cell

// ---- (1) sharing by presynaptic cell -------------------------------------------------------
objref net1[6], pre1, post1
pre1 = new List()
post1 = new List()
for i = 0, 5 net1[i] = new Cell()
for i = 0, 2 pre1.append(net1[i])
for i = 3, 5 post1.append(net1[i])
fully_connect(pre1, post1, "IonotropicSynapse")
{printf("network 1: %d synapses\n", hocx_connect_count)}

make_trainable("IonotropicSynapse.gS", "per", "pre_cell")
show_trainables()
delete_trainables()

// ---- (2) sharing by (pre type, post type) ---------------------------------------------------
objref net2[6], all2
sectionlist exc
sectionlist inh
sectionlist unknown
sectionlist exc_or_inh
all2 = new List()
for i = 0, 5 {
    net2[i] = new Cell()
    all2.append(net2[i])
}
for i = 0, 1 forsec net2[i].all { exc.append()  exc_or_inh.append() }
for i = 2, 3 forsec net2[i].all { inh.append()  exc_or_inh.append() }
for i = 4, 5 forsec net2[i].all unknown.append()
fully_connect(all2, all2, "IonotropicSynapse")
{printf("network 2: %d synapses\n", hocx_connect_count)}

// synapses whose presynaptic cell is exc or inh; one parameter per (pre type, post type)
make_trainable("IonotropicSynapse.gS", "pre", exc_or_inh, "per", "pre_groups,post_groups")
show_trainables()
