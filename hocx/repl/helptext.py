"""The text of the REPL's help database: one entry per built-in, stdlib proc, class and keyword.

Each entry is one line ``name ¦ signature ¦ summary ¦ units ¦ example`` (units may
be empty).  ``helpdb`` parses this table once; keep it sorted by topic.
"""
from __future__ import annotations

ENTRIES = r"""
# ---- math -------------------------------------------------------------------------------
sin ¦ sin(x) ¦ sine of x (radians) ¦ ¦ sin(PI/2)
cos ¦ cos(x) ¦ cosine of x (radians) ¦ ¦ cos(0)
tan ¦ tan(x) ¦ tangent of x (radians) ¦ ¦ tan(PI/4)
asin ¦ asin(x) ¦ arc sine, in radians ¦ ¦ asin(1)
acos ¦ acos(x) ¦ arc cosine, in radians ¦ ¦ acos(0)
atan ¦ atan(x) ¦ arc tangent, in radians ¦ ¦ atan(1)*4
atan2 ¦ atan2(y, x) ¦ arc tangent of y/x using both signs, in radians ¦ ¦ atan2(1, -1)
exp ¦ exp(x) ¦ e to the power x; warns 'exp result out of range' on overflow ¦ ¦ exp(1)
log ¦ log(x) ¦ natural logarithm ¦ ¦ log(E)
log10 ¦ log10(x) ¦ base-10 logarithm ¦ ¦ log10(1000)
sqrt ¦ sqrt(x) ¦ square root; x < 0 is an error ¦ ¦ sqrt(2)
abs ¦ abs(x) ¦ absolute value ¦ ¦ abs(-3)
fabs ¦ fabs(x) ¦ absolute value (alias of abs) ¦ ¦ fabs(-3)
int ¦ int(x) ¦ x truncated toward zero ¦ ¦ int(-2.7)
floor ¦ floor(x) ¦ largest integer not above x ¦ ¦ floor(-2.5)
ceil ¦ ceil(x) ¦ smallest integer not below x ¦ ¦ ceil(2.1)
pow ¦ pow(x, y) ¦ x to the power y (same as x^y) ¦ ¦ pow(2, 10)
tanh ¦ tanh(x) ¦ hyperbolic tangent ¦ ¦ tanh(0.5)
sinh ¦ sinh(x) ¦ hyperbolic sine ¦ ¦ sinh(1)
cosh ¦ cosh(x) ¦ hyperbolic cosine ¦ ¦ cosh(1)
erf ¦ erf(x) ¦ error function ¦ ¦ erf(1)
erfc ¦ erfc(x) ¦ complementary error function 1 - erf(x) ¦ ¦ erfc(1)
min ¦ min(a, b) ¦ the smaller number ¦ ¦ min(3, 4)
max ¦ max(a, b) ¦ the larger number ¦ ¦ max(3, 4)
mcell_ran4 ¦ mcell_ran4(&highindex [, lowindex]) ¦ uniform random number in (0,1) from the MCellRan4 stream ¦ ¦ x = mcell_ran4(&idx)
mcell_ran4_init ¦ mcell_ran4_init([low]) ¦ get or set the low index of mcell_ran4 ¦ ¦ mcell_ran4_init(1)
use_mcell_ran4 ¦ use_mcell_ran4([bool]) ¦ make Random objects default to MCellRan4 ¦ ¦ use_mcell_ran4(1)
# ---- constants and globals --------------------------------------------------------------
PI ¦ PI ¦ 3.14159... (an assignable variable) ¦ ¦ print 2*PI
E ¦ E ¦ 2.71828... ¦ ¦ print E
GAMMA ¦ GAMMA ¦ Euler's constant 0.5772... ¦ ¦ print GAMMA
DEG ¦ DEG ¦ degrees per radian, 57.29... ¦ deg/rad ¦ print 90/DEG
PHI ¦ PHI ¦ the golden ratio 1.618... ¦ ¦ print PHI
FARADAY ¦ FARADAY ¦ Faraday's constant ¦ coulomb/mol ¦ print FARADAY
R ¦ R ¦ the gas constant ¦ J/(mol·K) ¦ print R
Avogadro_constant ¦ Avogadro_constant ¦ Avogadro's number ¦ 1/mol ¦ print Avogadro_constant
float_epsilon ¦ float_epsilon ¦ tolerance of ==, <, >, ... comparisons (default 1e-11) ¦ ¦ float_epsilon = 0
hoc_ac_ ¦ hoc_ac_ ¦ scratch variable used by execute() and GUI callbacks ¦ ¦ execute("hoc_ac_ = 3")
t ¦ t ¦ simulation time ¦ ms ¦ print t
dt ¦ dt ¦ fixed time step ¦ ms ¦ dt = 0.025
tstop ¦ tstop ¦ end time of run() (stdrun) ¦ ms ¦ tstop = 40
v_init ¦ v_init ¦ initial membrane potential used by init()/run() ¦ mV ¦ v_init = -65
celsius ¦ celsius ¦ temperature, used by temperature-dependent mechanisms such as hh ¦ degC ¦ celsius = 6.3
secondorder ¦ secondorder ¦ 0: backward Euler, 1 or 2: Crank-Nicolson (an integer) ¦ ¦ secondorder = 2
steps_per_ms ¦ steps_per_ms ¦ plot points per ms; setdt() makes dt divide 1/steps_per_ms ¦ 1/ms ¦ steps_per_ms = 40
stoprun ¦ stoprun ¦ set to 1 to stop continuerun() at the next step ¦ ¦ stoprun = 1
realtime ¦ realtime ¦ wall time used by the last run ¦ s ¦ print realtime
running_ ¦ running_ ¦ 1 while run() is in progress ¦ ¦ print running_
using_cvode_ ¦ using_cvode_ ¦ 1 when variable-step integration is on ¦ ¦ print using_cvode_
global_ra ¦ global_ra ¦ axial resistivity used by set_ra() ¦ ohm·cm ¦ global_ra = 100
clamp_resist ¦ clamp_resist ¦ series resistance of the old fclamp ¦ megohm ¦ print clamp_resist
diam_changed ¦ diam_changed ¦ set to 1 to make NEURON recompute geometry ¦ ¦ diam_changed = 1
# ---- strings and output -------------------------------------------------------------------
printf ¦ printf(format, ...) ¦ C-style formatted print (%d %o %x %c %f %e %g %s %%); returns the character count ¦ ¦ printf("t = %g ms\n", t)
fprint ¦ fprint(format, ...) ¦ printf to the file opened with wopen(), or stdout ¦ ¦ fprint("%g\n", x)
sprint ¦ sprint(strdef, format, ...) ¦ printf into a strdef ¦ ¦ sprint(s, "dend[%d]", 3)
sscanf ¦ sscanf(string, format, &x, ...) ¦ read numbers or strings from a string; returns the count ¦ ¦ n = sscanf("3 4", "%f %f", &a, &b)
strcmp ¦ strcmp(s1, s2) ¦ compare strings: negative, 0 or positive ¦ ¦ strcmp("a", "b")
getstr ¦ getstr(strdef) ¦ read a line from the wopen/ropen file into a strdef ¦ ¦ getstr(line)
fscan ¦ fscan() ¦ read the next number from the file opened with ropen() ¦ ¦ x = fscan()
hoc_stdout ¦ hoc_stdout("file") ¦ send stdout to a file; hoc_stdout() restores it ¦ ¦ hoc_stdout("out.txt")
execute ¦ execute("stmt" [, obj]) ¦ run a HOC statement given as a string (in obj's context) ¦ ¦ execute("x = 3")
execute1 ¦ execute1("stmt" [, obj] [, show_err]) ¦ like execute but returns 0 on error instead of stopping ¦ ¦ ok = execute1("x = 1/0")
execerror ¦ execerror("message" [, "more"]) ¦ raise an error with this message ¦ ¦ execerror("bad input")
xred ¦ xred("prompt", default, min, max) ¦ ask for a number on stdin (returns the default headless) ¦ ¦ x = xred("gmax", 0.1, 0, 1)
clipboard_set ¦ clipboard_set(x_vec, y_vec) ¦ GUI clipboard (ignored headless) ¦ ¦ clipboard_set(tvec, vvec)
print_session ¦ print_session() ¦ GUI: print the session (ignored headless) ¦ ¦ print_session()
# ---- files and system ---------------------------------------------------------------------
load_file ¦ load_file("file" [, "Name"]) or load_file(1, "file") ¦ run a HOC file once (searched in the cwd, HOC_LIBRARY_PATH, NEURONHOME/lib/hoc) ¦ ¦ load_file("stdrun.hoc")
xopen ¦ xopen("file") ¦ run a HOC file every time (no search path) ¦ ¦ xopen("cell.hoc")
load_proc ¦ load_proc("name") ¦ load the library file that defines proc name ¦ ¦ load_proc("nrnmainmenu")
load_func ¦ load_func("name") ¦ load the library file that defines func name ¦ ¦ load_func("lambda_f")
load_template ¦ load_template("Name") ¦ load the library file that defines a template ¦ ¦ load_template("String")
nrn_load_dll ¦ nrn_load_dll("path") ¦ load compiled NMODL mechanisms ¦ ¦ nrn_load_dll("x86_64/.libs/libnrnmech.so")
ropen ¦ ropen(["file"]) ¦ open a file for reading by fscan/getstr; returns 1 on success ¦ ¦ ropen("data.txt")
wopen ¦ wopen(["file"]) ¦ open a file for writing by fprint; wopen() closes it ¦ ¦ wopen("out.txt")
getcwd ¦ getcwd() ¦ current directory, ending in '/' ¦ ¦ print getcwd()
chdir ¦ chdir("dir") ¦ change directory; returns 0 on success ¦ ¦ chdir("..")
system ¦ system("cmd" [, strdef]) ¦ run a shell command (refused with --safe) ¦ ¦ system("ls")
unix_mac_pc ¦ unix_mac_pc() ¦ 1 on unix, 2 on mac, 3 on windows, 4 on mac os x ¦ ¦ unix_mac_pc()
machine_name ¦ machine_name(strdef) ¦ the host name ¦ ¦ machine_name(s)
neuronhome ¦ neuronhome() ¦ NEURON's installation directory ¦ ¦ print neuronhome()
nrnversion ¦ nrnversion([i]) ¦ version string ¦ ¦ print nrnversion()
quit ¦ quit([status]) ¦ leave hocx with an exit status ¦ ¦ quit()
startsw ¦ startsw() ¦ start a stopwatch; returns wall time ¦ s ¦ x = startsw()
stopsw ¦ stopsw() ¦ seconds since startsw() ¦ s ¦ print stopsw()
# ---- names and arguments ------------------------------------------------------------------
numarg ¦ numarg() ¦ number of arguments passed to the current proc/func ¦ ¦ proc p() { print numarg() }
argtype ¦ argtype(i) ¦ type of argument i: 0 number, 1 object, 2 string, 3 pointer, -1 none ¦ ¦ if (argtype(1) == 2) print $s1
name_declared ¦ name_declared("name" [, 2]) ¦ what a top-level name is: 0 undefined, 2 objref, 3 section, 4 strdef, 5 variable, 1 anything else (with 2: 6 array, 7 integer, 8 section property) ¦ ¦ if (!name_declared("tstop")) tstop = 5
object_id ¦ object_id(obj [, 1]) ¦ a number identifying obj (0 for NULLobject) ¦ ¦ object_id(vec)
allobjects ¦ allobjects(["Template"] [, 0]) ¦ list live objects with their reference counts ¦ ¦ allobjects("Vector")
object_push ¦ object_push(obj) ¦ enter obj's context for the following statements ¦ ¦ object_push(cell)
object_pop ¦ object_pop() ¦ leave the context entered by object_push ¦ ¦ object_pop()
variable_domain ¦ variable_domain(&var, low, high) ¦ limits for a variable in GUI value editors ¦ ¦ variable_domain(&x, 0, 1)
units ¦ units(&var [, "units"]) ¦ get or set the units string of a variable ¦ ¦ units(&dt)
classname ¦ classname(obj, strdef) ¦ the class name of an object ¦ ¦ classname(v, s)
nrn_mallinfo ¦ nrn_mallinfo() ¦ memory use (approximate in hocx) ¦ bytes ¦ nrn_mallinfo()
nrnpython ¦ nrnpython("python statement") ¦ run Python (not supported by hocx) ¦ ¦ nrnpython("print(1)")
# ---- sections, geometry, topology ---------------------------------------------------------
secname ¦ secname() ¦ name of the currently accessed section ¦ ¦ soma print secname()
sectionname ¦ sectionname(strdef) ¦ put the current section's name into a strdef ¦ ¦ sectionname(s)
issection ¦ issection("regexp") ¦ 1 if the current section's name matches ¦ ¦ forall if (issection("dend.*")) nseg = 5
ismembrane ¦ ismembrane("mech") ¦ 1 if the mechanism is inserted in the current section ¦ ¦ forall if (ismembrane("hh")) print secname()
section_exists ¦ section_exists("name" [, index] [, obj]) ¦ 1 if the section exists ¦ ¦ section_exists("soma")
delete_section ¦ delete_section() ¦ delete the current section ¦ ¦ dend delete_section()
pop_section ¦ pop_section() ¦ pop the section stack (after push_section or sec-prefix calls) ¦ ¦ pop_section()
push_section ¦ push_section("name") or push_section(number) ¦ make a section the current one ¦ ¦ push_section("soma")
this_section ¦ this_section([x]) ¦ a number identifying the current section ¦ ¦ n = this_section()
parent_section ¦ parent_section([x]) ¦ identifier of the parent section ¦ ¦ n = parent_section()
parent_connection ¦ parent_connection() ¦ location x on the parent where this section connects ¦ ¦ dend print parent_connection()
section_orientation ¦ section_orientation() ¦ end (0 or 1) of this section that connects to its parent ¦ ¦ dend print section_orientation()
area ¦ area(x) ¦ membrane area of the segment containing x in the current section ¦ um2 ¦ soma print area(0.5)
ri ¦ ri(x) ¦ axial resistance from segment x to its parent node ¦ megohm ¦ dend print ri(0.5)
distance ¦ distance() / distance(x) / distance(0, x) ¦ path distance from the origin set by distance(0, x) ¦ um ¦ soma distance(0, 0.5)  dend print distance(1)
disconnect ¦ disconnect() ¦ detach the current section from its parent ¦ ¦ dend disconnect()
topology ¦ topology() ¦ print the cell tree as NEURON draws it (the REPL's %tree draws it as a tree) ¦ ¦ topology()
show ¦ show(["edges" or section or column or sectionlist, ...]) ¦ the model table (one row per segment) or the edge table, as rich tables; in the REPL also `show soma` ¦ ¦ show("dend", "diam", "g_pas")
psection ¦ psection() ¦ print the current section's properties and mechanisms ¦ ¦ soma psection()
define_shape ¦ define_shape() ¦ give every section 3-d points from its L and diam ¦ ¦ define_shape()
n3d ¦ n3d() ¦ number of 3-d points of the current section ¦ ¦ soma print n3d()
pt3dadd ¦ pt3dadd(x, y, z, diam) ¦ append a 3-d point to the current section ¦ um ¦ soma pt3dadd(0, 0, 0, 10)
pt3dclear ¦ pt3dclear([n]) ¦ remove the 3-d points of the current section ¦ ¦ soma pt3dclear()
pt3dchange ¦ pt3dchange(i, x, y, z, diam) or pt3dchange(i, diam) ¦ change 3-d point i ¦ um ¦ soma pt3dchange(0, 12)
pt3dinsert ¦ pt3dinsert(i, x, y, z, diam) ¦ insert a 3-d point before point i ¦ um ¦ soma pt3dinsert(0, 0, 0, 0, 5)
pt3dremove ¦ pt3dremove(i) ¦ remove 3-d point i ¦ ¦ soma pt3dremove(0)
pt3dconst ¦ pt3dconst(bool) ¦ keep 3-d points fixed when L or diam change ¦ ¦ pt3dconst(1)
pt3dstyle ¦ pt3dstyle([style, x, y, z]) ¦ logical connection point style ¦ ¦ pt3dstyle(0)
x3d ¦ x3d(i) ¦ x coordinate of 3-d point i ¦ um ¦ print x3d(0)
y3d ¦ y3d(i) ¦ y coordinate of 3-d point i ¦ um ¦ print y3d(0)
z3d ¦ z3d(i) ¦ z coordinate of 3-d point i ¦ um ¦ print z3d(0)
diam3d ¦ diam3d(i) ¦ diameter at 3-d point i ¦ um ¦ print diam3d(0)
arc3d ¦ arc3d(i) ¦ arc length from the section start to 3-d point i ¦ um ¦ print arc3d(1)
spine3d ¦ spine3d(i) ¦ spine flag of 3-d point i ¦ ¦ print spine3d(0)
setSpineArea ¦ setSpineArea(area) ¦ area of a spine for the 3-d spine count ¦ um2 ¦ setSpineArea(1)
getSpineArea ¦ getSpineArea() ¦ current spine area ¦ um2 ¦ print getSpineArea()
ion_style ¦ ion_style("name_ion", c_style, e_style, einit, eadvance, cinit) ¦ how an ion's concentrations and reversal potential are treated ¦ ¦ ion_style("ca_ion", 3, 2, 1, 1, 1)
ion_register ¦ ion_register("name", charge) ¦ declare a new ion ¦ ¦ ion_register("cl", -1)
ion_charge ¦ ion_charge("name_ion") ¦ charge of an ion ¦ ¦ print ion_charge("ca_ion")
nernst ¦ nernst(ci, co, z) or nernst("ena" [, x]) ¦ Nernst potential at celsius ¦ mV ¦ print nernst(10, 140, 1)
rates_hh ¦ rates_hh(v) ¦ PROCEDURE rates of the built-in hh (stdlib/hh.mod): its gates' steady states and time constants at v and celsius (table when usetable_hh) ¦ ¦ rates_hh(-30)
vtrap_hh ¦ vtrap_hh(x, y) ¦ FUNCTION vtrap of the built-in hh: x/(exp(x/y) - 1), its limit y(1 - x/y/2) near x = 0 ¦ ¦ print vtrap_hh(1, 10)
ghk ¦ ghk(v, ci, co, z) ¦ Goldman-Hodgkin-Katz current factor ¦ mA/cm2 ¦ print ghk(-65, 1e-4, 2, 2)
nrnglobalmechmenu ¦ nrnglobalmechmenu(...) ¦ GUI menu (ignored headless) ¦ ¦ nrnglobalmechmenu("hh")
nrnmechmenu ¦ nrnmechmenu(...) ¦ GUI menu (ignored headless) ¦ ¦ nrnmechmenu()
nrnpointmenu ¦ nrnpointmenu(...) ¦ GUI menu (ignored headless) ¦ ¦ nrnpointmenu(stim)
nrnallsectionmenu ¦ nrnallsectionmenu() ¦ GUI menu (ignored headless) ¦ ¦ nrnallsectionmenu()
nrnallpointmenu ¦ nrnallpointmenu() ¦ GUI menu (ignored headless) ¦ ¦ nrnallpointmenu()
nrnpointmenu_ ¦ nrnpointmenu_(...) ¦ GUI menu helper (ignored headless) ¦ ¦ nrnpointmenu_(stim)
nrnsecmenu ¦ nrnsecmenu(x, type) ¦ GUI menu (ignored headless) ¦ ¦ nrnsecmenu(.5, 1)
# ---- simulation ---------------------------------------------------------------------------
finitialize ¦ finitialize([v]) ¦ t = 0, set every v (if given), run INITIAL blocks, record the t=0 sample; returns 1 ¦ mV ¦ finitialize(-65)
fadvance ¦ fadvance() ¦ advance the simulation by one step dt; returns 1 ¦ ms ¦ while (t < 5) fadvance()
fcurrent ¦ fcurrent() ¦ compute currents and conductances at the present state without advancing ¦ ¦ fcurrent()
frecord_init ¦ frecord_init() ¦ restart Vector.record at the present time ¦ ¦ frecord_init()
fstim ¦ fstim(n) / fstim(i, loc, delay, dur, amp) ¦ old-style current stimuli (use IClamp) ¦ nA ¦ fstim(1)  soma fstim(0, .5, 1, 1, .1)
fclamp ¦ fclamp(n, x) / fclamp(i, dur, v) ¦ old-style voltage clamp (use SEClamp) ¦ mV ¦ fclamp(1, 0.5)
fsyn ¦ fsyn(n) / fsyn(i, x, onset, tau, gmax, erev) ¦ old-style alpha synapses (use AlphaSynapse) ¦ uS ¦ fsyn(1)
fit_praxis ¦ fit_praxis(n, "func", &x) ¦ principal-axis minimisation (not supported by hocx; use the train API) ¦ ¦ fit_praxis(2, "err", &p)
attr_praxis ¦ attr_praxis(tol, maxstep, printmode) ¦ praxis settings ¦ ¦ attr_praxis(1e-4, .5, 0)
# ---- stdrun procs ------------------------------------------------------------------------
run ¦ run() ¦ stdinit() then continuerun(tstop): a whole simulation; Ctrl-C stops it with t and recordings kept ¦ ms ¦ tstop = 40  run()
init ¦ init() ¦ finitialize(v_init); redefine it to change initial states ¦ ¦ proc init() { finitialize(v_init) }
stdinit ¦ stdinit() ¦ setdt(), init() and graph setup before a run ¦ ¦ stdinit()
continuerun ¦ continuerun(tstop) ¦ keep integrating from the present t to tstop ¦ ms ¦ continuerun(80)
step ¦ step() ¦ advance() nstep_steprun times, then Plot() ¦ ¦ step()
advance ¦ advance() ¦ fadvance(); redefine it for per-step work ¦ ¦ proc advance() { fadvance() }
steprun ¦ steprun() ¦ step() then flushPlot() ¦ ¦ steprun()
setdt ¦ setdt() ¦ make dt divide 1/steps_per_ms (prints 'Changed dt' when it must change) ¦ ¦ setdt()
set_ra ¦ set_ra([ra]) ¦ forall Ra = global_ra ¦ ohm·cm ¦ set_ra(100)
set_v_init ¦ set_v_init(v) ¦ v_init = v ¦ mV ¦ set_v_init(-70)
stoppedrun ¦ stoppedrun() ¦ 1 if the last run was stopped early ¦ ¦ stoppedrun()
tstop_changed ¦ tstop_changed() ¦ tell the run control that tstop changed ¦ ¦ tstop_changed()
cvode_active ¦ cvode_active([bool]) ¦ variable time step (CVode) on/off, stdrun told (using_cvode_) ¦ ¦ cvode_active(0)
cvode_local ¦ cvode_local([bool]) ¦ local variable time step on/off ¦ ¦ cvode_local(0)
cvode_simgraph ¦ cvode_simgraph() ¦ stdrun helper for graphs under cvode ¦ ¦ cvode_simgraph()
lambda_f ¦ lambda_f(freq) ¦ AC length constant of the current section at freq (stdlib) ¦ um ¦ soma print lambda_f(100)
batch_run ¦ batch_run(tstop, tstep, "file" [, "comment"]) ¦ run and write variables to a file ¦ ms ¦ batch_run(10, .1, "out.dat")
batch_save ¦ batch_save([&var, ...]) ¦ choose the variables batch_run writes ¦ ¦ batch_save(&soma.v(.5))
case ¦ for case(&x, a, b, ...) stmt ¦ stdlib iterator: x takes each listed value ¦ ¦ for case(&x, 1, 2, 5) print x
addplot ¦ addplot(graph, i) ¦ add a graph to graphList[i] (GUI; kept headless) ¦ ¦ addplot(g, 0)
# ---- training (hocx additions) ------------------------------------------------------------
make_trainable ¦ make_trainable("param" [, init] [, "bounds", lo, hi] [, "per", key] [, "cells", vec]) ¦ mark a parameter for gradient fitting; shared over the CAS section, a SectionList (sl.make_trainable) or the whole model, or one value per section/segment/cell with "per" ¦ ¦ soma make_trainable("gnabar_hh", "bounds", 0.05, 0.25)
get_parameters ¦ get_parameters() ¦ the trainable values as a Vector (physical units) ¦ ¦ objref p  p = get_parameters()
show_trainables ¦ show_trainables() ¦ print a table of the trainable parameters (the REPL's %trainables) ¦ ¦ show_trainables()
delete_trainables ¦ delete_trainables() ¦ forget all trainable parameters ¦ ¦ delete_trainables()
Fit ¦ new Fit() ¦ fit the trainables to target traces by gradient descent (Adam): add(rec, target), run([steps]), loss(), grad(), lr, steps ¦ ¦ objref fit  fit = new Fit()  fit.add(rec_v, target_v)  fit.run(200)
sweep ¦ sweep("param", values [, "on", seclist] [, "per", key] [, "cells", vec] ... [, "grid"] [, "batch", n]) ¦ run the model once per value (Vector) or row (Matrix) as one vmapped computation over all devices; zipped by default, every combination with "grid"; "stim.amp" or (stim, "amp", values) for point processes; returns a List with one Matrix (runs x samples) per recorded Vector ¦ ¦ objref res  res = sweep("gnabar_hh", gvec, "stim.amp", avec)
fully_connect ¦ fully_connect(pre, post, "Mech" [, x]) ¦ one graded synapse per (pre, post) pair, as Jaxley's fully_connect; pre/post: SectionList (one section per cell) or List of cells with a public SectionList `all` (first section); default x = centre of the first compartment; synapses kept in List hocx_synapses; .hx: built in, .hoc: load_file("netconnect.hoc") ¦ ¦ fully_connect(pre, post, "GlutamateSynapse")
sparse_connect ¦ sparse_connect(pre, post, "Mech", p, seed [, x]) ¦ connect each (pre, post) pair with probability p drawn from Random(seed): the same seed gives the same wiring; count in hocx_connect_count ¦ ¦ sparse_connect(pre, post, "IonotropicSynapse", 0.3, 1)
# ---- classes ------------------------------------------------------------------------------
Vector ¦ new Vector([n [, value]]) ¦ an array of numbers: x[i], size, append, record(&var), add, mul, printf, ... ¦ ¦ objref v  v = new Vector(10, 1)
List ¦ new List(["Template"]) ¦ a list of objects: append, count, object(i), remove ¦ ¦ objref l  l = new List()
File ¦ new File(["name"]) ¦ a file: ropen, wopen, printf, scanvar, gets, close ¦ ¦ objref f  f = new File("out.dat")
Matrix ¦ new Matrix(nrow, ncol) ¦ a dense matrix: x[i][j], mulv, inverse, solv, getrow, setcol ¦ ¦ objref m  m = new Matrix(2, 2)
Random ¦ new Random([seed]) ¦ random number generator: uniform, normal, negexp, poisson, repick ¦ ¦ objref r  r = new Random(1)
String ¦ new String(["text"]) ¦ stdlib template holding one strdef s ¦ ¦ objref s  s = new String("hi")
StringFunctions ¦ new StringFunctions() ¦ len, substr, head, tail, left, right on strdefs ¦ ¦ objref sf  sf = new StringFunctions()
SectionList ¦ new SectionList() ¦ a set of sections: append, remove, wholetree, children; forsec list ¦ ¦ objref sl  soma sl = new SectionList()
SectionRef ¦ new SectionRef() ¦ a handle on the current section: sec, parent, child[i], nchild, has_parent ¦ ¦ objref sr  soma sr = new SectionRef()
IClamp ¦ new IClamp(x) ¦ point process: current pulse of amplitude amp from del for dur ¦ nA, ms ¦ soma stim = new IClamp(0.5)  stim.amp = 0.1
ExpSyn ¦ new ExpSyn(x) ¦ point process: synapse with exponentially decaying conductance (tau, e) ¦ ms, mV ¦ soma syn = new ExpSyn(0.5)
Exp2Syn ¦ new Exp2Syn(x) ¦ point process: synapse with rise tau1 and decay tau2 ¦ ms, mV ¦ dend syn = new Exp2Syn(0.5)
AlphaSynapse ¦ new AlphaSynapse(x) ¦ point process: alpha-function conductance (onset, tau, gmax, e) ¦ ms, uS, mV ¦ soma syn = new AlphaSynapse(0.5)
IonotropicSynapse ¦ new IonotropicSynapse(x) ¦ point process: graded synapse (Jaxley's): s relaxes to 1/(1+exp((v_th-vpre)/delta)) with tau (1-s_inf)/k_minus, i = gS*s*(v-e_syn); gS, e_syn, k_minus, v_th, delta, s0; vpre is a POINTER (setpointer) ¦ uS, mV, /ms ¦ post syn = new IonotropicSynapse(0.0625)  setpointer syn.vpre, pre.v(0.0625)
GlutamateSynapse ¦ new GlutamateSynapse(x) ¦ point process: IonotropicSynapse with the seeds' glutamate values (gS = 0.5 mS/cm2 of a 10 um x 1 um compartment = 3.14e-4 uS, k_minus 1/40) ¦ uS, mV, /ms ¦ post syn = new GlutamateSynapse(0.5)
SEClamp ¦ new SEClamp(x) ¦ point process: single-electrode voltage clamp (dur1..3, amp1..3, rs) ¦ ms, mV, megohm ¦ soma vc = new SEClamp(0.5)
VClamp ¦ new VClamp(x) ¦ point process: two-electrode voltage clamp (dur[3], amp[3]) ¦ ms, mV ¦ soma vc = new VClamp(0.5)
APCount ¦ new APCount(x) ¦ point process: counts spikes crossing thresh; record(vec) stores times ¦ mV, ms ¦ soma apc = new APCount(0.5)
NetStim ¦ new NetStim() ¦ artificial cell: spike generator (interval, number, start, noise); noise from its own Random123 stream, set with noiseFromRandom123(id1, id2[, id3]) or noiseFromRandom(r) ¦ ms ¦ objref ns  ns = new NetStim()
IntFire1 ¦ new IntFire1() ¦ artificial cell: leaky integrate-and-fire (tau, refrac) ¦ ms ¦ objref c  c = new IntFire1()
IntFire2 ¦ new IntFire2() ¦ artificial cell: integrate-and-fire driven by a synaptic current that decays with taus, plus a bias ib; M() is the membrane state ¦ ms ¦ objref c  c = new IntFire2()
IntFire4 ¦ new IntFire4() ¦ artificial cell: integrate-and-fire with an excitatory (taue) and an alpha-like inhibitory (taui1, taui2) current; M(), E(), I() ¦ ms ¦ objref c  c = new IntFire4()
NetCon ¦ new NetCon(&source_var or source, target [, thresh, delay, weight]) ¦ a connection delivering events: weight[i], delay, threshold (shared by all NetCons from one source); active, valid, pre, syn, preloc, postloc, precell, postcell, record(vec), wcnt, event(te), setpost ¦ mV, ms ¦ nc = new NetCon(&soma.v(0.5), syn, -20, 1, 0.01)
FInitializeHandler ¦ new FInitializeHandler([type,] "stmt") ¦ run a statement during finitialize() ¦ ¦ objref fih  fih = new FInitializeHandler("x = 0")
CVode ¦ new CVode() ¦ the variable-step integrator object (the stdrun objref cvode) ¦ ¦ cvode.active(0)
MechanismType ¦ new MechanismType(0 or 1) ¦ iterate over density (0) or point-process (1) mechanisms ¦ ¦ objref mt  mt = new MechanismType(0)
MechanismStandard ¦ new MechanismStandard("mech" [, vartype]) ¦ read or set mechanism parameters by name ¦ ¦ objref ms  ms = new MechanismStandard("hh")
SaveState ¦ new SaveState() ¦ save and restore the whole simulation state ¦ ¦ objref ss  ss = new SaveState()
Timer ¦ new Timer("stmt") ¦ run a statement periodically in wall time (GUI; ignored headless) ¦ s ¦ objref tm  tm = new Timer("x += 1")
PythonObject ¦ new PythonObject() ¦ Python interop (not supported by hocx) ¦ ¦ objref p  p = new PythonObject()
Impedance ¦ new Impedance() ¦ input and transfer impedance (not supported by hocx) ¦ megohm ¦ objref imp  imp = new Impedance()
ParallelContext ¦ new ParallelContext() ¦ parallel simulation (a single-process stand-in in hocx) ¦ ¦ objref pc  pc = new ParallelContext()
PatternStim ¦ new PatternStim() ¦ artificial cell replaying spike times ¦ ms ¦ objref ps  ps = new PatternStim()
KSChan ¦ new KSChan([1]) ¦ a Hodgkin-Huxley-style or kinetic-scheme channel defined from hoc (a generated, differentiable mechanism; 1: a point process) ¦ ¦ objref ks  ks = new KSChan()
KSGate ¦ ks.gate(i) ¦ a gate of a KSChan: power, sindex, nstate ¦ ¦ objref g  g = ks.add_hhstate("n")
KSState ¦ ks.state(i) ¦ a state of a KSChan: frac, name, gate ¦ ¦ objref st  st = ks.state(0)
KSTrans ¦ ks.trans(i) or ks.trans(s1, s2) ¦ a transition of a KSChan: set_f, type, f(dir, v), ab ¦ ¦ objref tr  tr = ks.trans(0)
PointProcessMark ¦ new PointProcessMark() ¦ GUI marker for point processes (ignored headless) ¦ ¦ objref m  m = new PointProcessMark()
# ---- keywords ------------------------------------------------------------------------------
proc ¦ proc name() { ... } ¦ define a procedure; arguments are $1, $o1, $s1, $&1 ¦ ¦ proc hello() { print "hi ", $1 }
func ¦ func name() { ... return value } ¦ define a function returning a number ¦ ¦ func sq() { return $1*$1 }
obfunc ¦ obfunc name() { ... return obj } ¦ define a function returning an object ¦ ¦ obfunc mk() { localobj v  v = new Vector()  return v }
iterator ¦ iterator name() { ... iterator_statement ... } ¦ define an iterator for `for name() stmt` ¦ ¦ iterator two() { $&1 = 1 iterator_statement  $&1 = 2 iterator_statement }
iterator_statement ¦ iterator_statement ¦ inside an iterator: run the loop body ¦ ¦ iterator_statement
return ¦ return [value] ¦ leave a proc, func or obfunc ¦ ¦ return $1 + 1
break ¦ break ¦ leave the innermost loop ¦ ¦ for i = 0, 9 { if (i == 3) break }
continue ¦ continue ¦ go to the next iteration of the innermost loop ¦ ¦ for i = 0, 9 { if (i % 2) continue  print i }
stop ¦ stop ¦ stop execution and return to the prompt ¦ ¦ if (x < 0) stop
if ¦ if (cond) stmt [else stmt] ¦ conditional; else must be on the line where the then-part ends ¦ ¦ if (x > 1) { print "big" } else { print "small" }
else ¦ ... else stmt ¦ the alternative branch of an if ¦ ¦ if (x) print 1 else print 0
while ¦ while (cond) stmt ¦ loop while cond is true ¦ ¦ while (t < tstop) fadvance()
for ¦ for i = a, b stmt / for (init; cond; step) stmt / for (x) stmt ¦ counting, C-style and segment loops ¦ ¦ for i = 0, 2 print i
print ¦ print item, ... ¦ print numbers (%.8g plus a space), strings and objects, then a newline ¦ ¦ print "t = ", t
delete ¦ delete name ¦ remove a variable (obsolete) ¦ ¦ delete x
read ¦ read(x) ¦ read a number from stdin (obsolete) ¦ ¦ read(x)
double ¦ double name[n] ... ¦ declare numeric arrays ¦ ¦ double w[10]
local ¦ local a, b ¦ local variables, right after a definition's opening brace ¦ ¦ proc p() { local i  i = 1 }
localobj ¦ localobj o, ... ¦ local object references, after local ¦ ¦ obfunc mk() { localobj v  v = new Vector()  return v }
strdef ¦ strdef name, ... ¦ declare string variables ¦ ¦ strdef s  s = "hello"
objref ¦ objref name, name[n] ... ¦ declare object references (initially NULLobject) ¦ ¦ objref v  v = new Vector()
objectvar ¦ objectvar name ¦ old spelling of objref ¦ ¦ objectvar v
new ¦ new Class(args) ¦ create an object ¦ ¦ v = new Vector(5)
create ¦ create name, name[n] ¦ create sections ¦ ¦ create soma, dend[3]
connect ¦ connect child(0 or 1), parent(x) ¦ attach a section to a parent ¦ ¦ connect dend(0), soma(1)
access ¦ access section ¦ make a section the default (currently accessed) section ¦ ¦ access soma
insert ¦ insert mech ¦ insert a density mechanism in the current section ¦ ¦ soma insert hh
uninsert ¦ uninsert mech ¦ remove a density mechanism from the current section ¦ ¦ soma uninsert hh
forall ¦ forall stmt ¦ run stmt in every section ¦ ¦ forall Ra = 100
forsec ¦ forsec "regexp" stmt / forsec sectionlist stmt ¦ run stmt in matching sections ¦ ¦ forsec "dend" nseg = 5
ifsec ¦ ifsec "regexp" stmt ¦ run stmt if the current section's name matches ¦ ¦ forall ifsec "dend" print secname()
setpointer ¦ setpointer pp.var, var ¦ point a POINTER variable at another variable ¦ ¦ setpointer syn.vpre, pre.v(0.5)
begintemplate ¦ begintemplate Name ... endtemplate Name ¦ define a class ¦ ¦ begintemplate Cell
endtemplate ¦ endtemplate Name ¦ end a class definition ¦ ¦ endtemplate Cell
public ¦ public name, ... ¦ names of a template visible from outside ¦ ¦ public soma, init
external ¦ external name, ... ¦ top-level names a template may use ¦ ¦ external tstop
help ¦ help [name] ¦ this help; also NAME? ¦ ¦ help Vector
debug ¦ debug ¦ toggle parser debugging (ignored) ¦ ¦ debug
depvar ¦ depvar name ¦ obsolete equation solver variable (not supported) ¦ ¦ depvar x
eqn ¦ eqn name: lhs = rhs ¦ obsolete equation (not supported) ¦ ¦ eqn x: x = 1
# ---- section and range variables ------------------------------------------------------------
L ¦ L ¦ section length ¦ um ¦ soma.L = 20
diam ¦ diam ¦ diameter (a range variable) ¦ um ¦ dend diam = 2
nseg ¦ nseg ¦ number of segments of a section (odd numbers keep a node at 0.5) ¦ ¦ dend.nseg = 11
Ra ¦ Ra ¦ axial resistivity of a section ¦ ohm·cm ¦ forall Ra = 100
cm ¦ cm ¦ specific membrane capacitance (range variable) ¦ uF/cm2 ¦ forall cm = 1
v ¦ v(x) ¦ membrane potential at x in the current section ¦ mV ¦ soma print v(0.5)
rallbranch ¦ rallbranch ¦ number of identical branches this section stands for ¦ ¦ dend.rallbranch = 2
i_membrane ¦ i_membrane(x) ¦ total membrane current (needs extracellular; not supported) ¦ mA/cm2 ¦ print i_membrane(0.5)
vext ¦ vext[i](x) ¦ extracellular voltage layer (not supported) ¦ mV ¦ print vext(0.5)
e_extracellular ¦ e_extracellular(x) ¦ extracellular source voltage (not supported) ¦ mV ¦ print e_extracellular(0.5)
"""

# GUI calls: accepted and ignored headless (language.md 4.4); they share one entry shape.
GUI_FUNCTIONS = (
    "xpanel xbutton xvalue xpvalue xlabel xmenu xcheckbox xstatebutton xradiobutton xslider "
    "xvarlabel xfixedvalue boolean_dialog continue_dialog string_dialog doEvents doNotify "
    "pwman_place save_session ivoc_style show_winio graph graphmode plot plotx ploty plt axis "
    "regraph setcolor lw nrnmainmenu nrncontrolmenu newPlotV newPlotI newPlotS newPlot "
    "newshapeplot newvectorplot newphaseplane Plot flushPlot fastflushPlot initPlot "
    "screen_update graphmenu distmechmenu miscellaneousmenu pointprocessesmenu runcontrolmenu "
    "clipboard_retrieve clipboard_save runbutton"
).split()

GUI_CLASSES = (
    "Graph VBox HBox Deck PWManager Shape PlotShape RangeVarPlot SymChooser TextEditor Glyph "
    "ValueFieldEditor SectionBrowser PointBrowser"
).split()
