// legacy_trainable.hx -- the legacy GUI-tool workflow joins the differentiable one.
//
//   hocx examples/legacy_trainable.hx
//
// Three ways published models build their cells, all headless, then trained and swept:
//   1. a CellBuild (restored the way its session file does it) exported as a cell template
//      with manage.save_classbody() (Management / Cell Type / "Save hoc code");
//   2. a Network Builder network: the same CellBuild as a network-ready cell type with an
//      ExpSyn "AMPA", a NetStim type, a NetGUI with two cells and a stimulator, "Create" on;
//   3. an Import3d cell read from an SWC reconstruction (written here, a soma and a dendrite).
// sweep() runs the whole model once per gnabar_hh value in one batched call; its 0.16 run is
// the target.  make_trainable marks gnabar_hh (one value shared by every cell) and the NetCon
// weights; Fit.grad() differentiates the loss through all three kinds of cell and the events,
// and a central finite difference (Fit.loss at other values) checks one component.

{load_file("nrngui.hoc")}
{load_file("netbild.hoc")}
{load_file("import3d.hoc")}

// ---- 1. the CellBuild: soma (hh) and a passive dendrite --------------------------------
objref cb
cb = new CellBuild(1)
{object_push(cb)}
{continuous = 0}
{object_push(topol)}
{first = 0  slist.remove_all()  sname = "dend"  objref tobj}
{
tobj = new CellBuildSection("soma", 0, 0, tobj, 0)  slist.append(tobj)
tobj.position(0, 0, 15, 0)
tobj = new CellBuildSection("dend", 0, 0, tobj, 1)  slist.append(tobj)
tobj.parent = slist.object(0)
tobj.position(15, 0, 115, 0)
all_init()
}
{object_pop()}
{object_push(subsets)}
{first = 0  consist()}
{object_pop()}
{object_push(geom)}
{
first = 0
tobj = new GeoSpec(2)  tobj.value = 15  bild.topol.slist.object(0).geo.append(tobj)
tobj = new GeoSpec(3)  tobj.value = 15  bild.topol.slist.object(0).geo.append(tobj)
tobj = new GeoSpec(2)  tobj.value = 100  bild.topol.slist.object(1).geo.append(tobj)
tobj = new GeoSpec(3)  tobj.value = 1  bild.topol.slist.object(1).geo.append(tobj)
tobj = new GeoSpec(6)  tobj.value = 3  bild.topol.slist.object(1).geo.append(tobj)
}
{object_pop()}
{object_push(memb)}
{
first = 0
tobj = new FakeMechStan(0)  tobj.value = 100
bild.subsets.snlist.object(0).ml.append(new MStanWrap(tobj, 0))
tobj = new MechanismStandard("hh")
bild.topol.slist.object(0).ml.append(new MStanWrap(tobj, 1))
tobj = new MechanismStandard("pas")
tobj.set("g_pas", 0.0002, 0)  tobj.set("e_pas", -65, 0)
bild.topol.slist.object(1).ml.append(new MStanWrap(tobj, 1))
}
{object_pop()}
{object_push(manage)}
{first = 0  classname = "Ball"  output_index = 0  output_x = 1  thresh = -20}
{object_pop()}
{object_pop()}

// the exported cell type, made into a template and instantiated
objref f, ball, iclamp
strdef tstr
{
f = new File()
f.mktemp()
f.wopen()
f.printf("begintemplate BallStick\n")
cb.manage.save_classbody(f)
f.printf("proc synapses() {}\nendtemplate BallStick\n")
f.close()
f.getname(tstr)
xopen(tstr)
f.unlink()
}
ball = new BallStick()
ball.soma iclamp = new IClamp(0.5)
{iclamp.del = 0.5  iclamp.dur = 2  iclamp.amp = 0.3}

// ---- 2. the Network Builder: Pyr cells from the same CellBuild, a NetStim driver ------
objref stgui, nrcgui, acgui, ng
stgui = new SynTypeGUI(1)
{object_push(stgui)}
{tobj = new MechanismStandard("ExpSyn")  tobj.set("tau", 2, 0)  tobj.set("e", 0, 0)}
{append(tobj, "AMPA")}
{object_pop()}
nrcgui = new NetReadyCellGUI(cb, stgui)
nrcgui.nrc.name = "Pyr"
{nrcgui.nrc.synlist.append(new SynTypeInstance(stgui.stypelist.object(0), cb.topol.slist.object(1), 0.5))}
{nrcgui.map()}

acgui = new ArtCellGUI(1)
{object_push(acgui)}
{tobj = new MechanismStandard("NetStim")  tobj.set("interval", 5, 0)  tobj.set("number", 2, 0)}
{tobj.set("start", 0.5, 0)  tobj.set("noise", 0, 0)}
{append(tobj, "Drive")}
{object_pop()}

ng = new NetGUI(1)
{object_push(ng)}
{mapold2new = new Vector()  missing = new List()}
original_type("Pyr")
original_type("Drive")
newnode(1, -100, 0)
newnode(0, 0, 0)
newnode(0, 100, 0)
newedge(0, 1, 0, 0.01, 1)
newedge(1, 2, 0, 0.01, 1)
{create_ = 1  create1()}
{object_pop()}
{ng.map()}

// ---- 3. an Import3d cell from an SWC reconstruction ----------------------------------
objref swc, i3d, nil, stim3
{
f = new File()
f.mktemp()
f.wopen()
f.printf("# a three-point soma and one dendrite\n")
f.printf("1 1 0 0 0 6 -1\n2 1 0 -6 0 6 1\n3 1 0 6 0 6 1\n")
f.printf("4 3 6 0 0 1 1\n5 3 40 5 0 0.8 4\n6 3 80 10 0 0.6 5\n")
f.close()
f.getname(tstr)
swc = new Import3d_SWC_read()
swc.input(tstr)
f.unlink()
i3d = new Import3d_GUI(swc, 0)
i3d.instantiate(nil)
}
soma { Ra = 100  insert hh }
dend[0] { nseg = 3  Ra = 100  insert pas  g_pas = 0.0002  e_pas = -65 }
{execute("soma stim3 = new IClamp(0.5)")}   // soma exists only once Import3d has run
{stim3.del = 0.5  stim3.dur = 2  stim3.amp = 0.4}

// ---- record, sweep, train ---------------------------------------------------------------
objref vball, vnet, v3d
vball = new Vector()
vnet = new Vector()
v3d = new Vector()
{vball.record(&ball.soma.v(0.5))}
{vnet.record(&ng.net.sources.object(2).cell.real.soma.v(0.5))}
{v3d.record(&soma.v(0.5))}
tstop = 8

// one run per gnabar_hh value (in every cell), all in one batched call
objref gna, res
gna = new Vector()
{gna.append(0.08, 0.12, 0.16)}
res = sweep("gnabar_hh", gna)
{printf("sweep: %d recordings, %d runs x %d samples\n", res.count(), res.o(1).nrow(), res.o(1).ncol())}
for i = 0, gna.size() - 1 {
	printf("  gnabar_hh %g: BallStick v max %g, network cell v max %g, Import3d soma v max %g\n", \
		gna.x[i], res.o(0).getrow(i).max(), res.o(1).getrow(i).max(), res.o(2).getrow(i).max())
}

// the target: the traces of the gnabar_hh = 0.16 run; the model itself has 0.12
{make_trainable("gnabar_hh")}
{make_trainable("NetCon.weight")}
show_trainables()
objref fit, g, p, pp, pm
fit = new Fit()
{fit.add(vball, res.o(0).getrow(2))  fit.add(vnet, res.o(1).getrow(2))  fit.add(v3d, res.o(2).getrow(2))}
g = fit.grad()
p = get_parameters()
h = 1e-5
{pp = p.c  pm = p.c  pp.x[0] += h  pm.x[0] -= h}
fd = (fit.loss(pp) - fit.loss(pm))/(2*h)
{printf("loss %g, d loss/d gnabar_hh: grad %g, finite difference %g\n", fit.loss(p), g.x[0], fd)}
{printf("d loss/d NetCon.weight: grad %g\n", g.x[1])}
