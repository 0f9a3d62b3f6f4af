// fit_apical.hx -- recover the apical sodium and potassium conductances of a branched cell
// from a synthetic target made with known values.
//
//   hocx examples/fit_apical.hx
//
// make_trainable marks what is fitted (one shared value per group here, kept inside bounds);
// Fit runs gradient descent (Adam) on the mean squared error between the recorded traces and
// the targets, then writes the fitted values back into the model.

{load_file("stdrun.hoc")}
create soma, dend[2]
connect dend[0](0), soma(1)
connect dend[1](0), soma(1)
forall { insert hh  nseg = 3  L = 40  diam = 2  Ra = 100 }
soma { L = 15  diam = 15  nseg = 1 }
objref apical
apical = new SectionList()
dend[0] apical.append()
dend[1] apical.append()

objref stim, vsoma, vtip
soma stim = new IClamp(0.5)
stim.del = 0.5
stim.dur = 1
stim.amp = 0.5
vsoma = new Vector()
vtip = new Vector()
{ vsoma.record(&soma.v(0.5))  vtip.record(&dend[1].v(0.9)) }
tstop = 5

// ---- the synthetic target: apical gnabar 0.15, gkbar 0.045 ----
forsec apical { gnabar_hh = 0.15  gkbar_hh = 0.045 }
run()
objref tsoma, ttip
tsoma = vsoma.c
ttip = vtip.c

// ---- start from the defaults and fit ----
forsec apical { gnabar_hh = 0.12  gkbar_hh = 0.036 }
{apical.make_trainable("gnabar_hh", "bounds", 0.05, 0.3)}
{apical.make_trainable("gkbar_hh", "bounds", 0.01, 0.1)}

objref fit
fit = new Fit()
{ fit.add(vsoma, tsoma)  fit.add(vtip, ttip) }
fit.lr = 0.1
fit.steps = 150
{fit.run()}
show_trainables()
{printf("fitted apical gnabar_hh = %g, gkbar_hh = %g (target 0.15, 0.045)\n", dend[0].gnabar_hh, dend[1].gkbar_hh)}
