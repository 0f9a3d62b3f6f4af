"""net_move in the general NET_RECEIVE engine (hocx/sim/netreceive.py: ``send_self`` /
``move_self``): the pending self event of the instance's last ``net_send(delay, 1)`` moves to
the new time (earlier or later), and NEURON's two errors (nothing pending, a time in the
past) are ModelErrors naming the mechanism.  Times are multiples of 1/4: exact in binary, so
the expected spikes below are computed by hand and compared with ``==``.  The live NEURON
comparison (its own invlfire.mod) is in tests/nmodl_cases/test_nmodl_neuron_events.py."""
from __future__ import annotations

import pytest

from hocx.api import Session
from hocx.errors import ModelError

MOVER = """NEURON { ARTIFICIAL_CELL Mover  RANGE d, back }
PARAMETER { d = 1  back = 0 }
INITIAL { if (back == 0) { net_send(5, 1) } }
NET_RECEIVE (w) {
    if (flag == 1) {
        net_event(t)
        net_send(5, 1)
    } else {
        net_move(t + d)
    }
}
"""

HOC = """
create soma
objref ns, a, b, nca, ncb, ra, rb, rec_a, rec_b, nil
ns = new NetStim()
ns.start = 1
ns.interval = 7
ns.number = 3
ns.noise = 0
a = new Mover()
a.d = 1.25
b = new Mover()
b.d = 6.75
nca = new NetCon(ns, a)
nca.delay = 0.5
ncb = new NetCon(ns, b)
ncb.delay = 0.5
rec_a = new Vector()
rec_b = new Vector()
ra = new NetCon(a, nil)
ra.record(rec_a)
rb = new NetCon(b, nil)
rb.record(rec_b)
dt = 0.025
tstop = 25
finitialize(-65)
while (t < tstop - dt/2) { fadvance() }
"""


def _session(tmp_path):
    (tmp_path / "mover.mod").write_text(MOVER, encoding="utf-8")
    s = Session(out=lambda text: None)
    s.load_mod(str(tmp_path / "mover.mod"))
    return s


def test_net_move_earlier_and_later(tmp_path):
    s = _session(tmp_path)
    s.execute(HOC)
    # inputs at 1.5, 8.5, 15.5.  a (d = 1.25): the pending 5 moves to 2.75; then every 5 ms,
    # except that the input at 8.5 moves 12.75 to 9.75 and the one at 15.5 moves 19.75 to 16.75
    assert list(s.h.rec_a.x) == [2.75, 7.75, 9.75, 14.75, 16.75, 21.75]
    # b (d = 6.75): 5 moves later to 8.25 (nothing at 5); the input at 8.5 moves 13.25 to
    # 15.25, the one at 15.5 moves 20.25 to 22.25
    assert list(s.h.rec_b.x) == [8.25, 15.25, 22.25]


@pytest.mark.parametrize("edit,message", [
    ("a.back = 1", "No event with flag=1 for net_move in Mover"),
    ("a.d = -0.25", "net_move tt < t"),
])
def test_net_move_errors(tmp_path, edit, message):
    s = _session(tmp_path)
    with pytest.raises(ModelError, match=message):
        s.execute(HOC.replace("a.d = 1.25", "a.d = 1.25\n" + edit))
