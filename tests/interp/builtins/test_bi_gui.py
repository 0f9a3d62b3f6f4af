"""GUI calls headless: nrniv's return values, one stderr warning per name, nothing on stdout."""


def test_functions_return_headless_values_and_warn_once(interp):
    assert interp.call("xpanel", "x") == 0.0
    assert interp.call("xbutton", "a", "b") == 0.0
    assert interp.call("xpanel") == 0.0
    assert interp.call("doNotify") == 1.0 and interp.call("continue_dialog", "q") == 1.0
    assert interp.call("boolean_dialog", "q") == 0.0
    assert interp.stdout == []
    warnings = "".join(interp.stderr)
    assert warnings.count("hocx: GUI call xpanel ignored (headless)\n") == 1
    assert "xbutton" in warnings


def test_xvalue_does_not_touch_variables(interp):
    interp.globals["tstop"] = 5.0
    interp.call("xvalue", "Tstop", "tstop")
    assert interp.globals["tstop"] == 5.0


def test_gui_classes_are_real_objects(interp):
    g = interp.new("Graph")
    assert g.hoc_name() == "Graph[0]"
    assert g.hoc_call("size", [0.0, 1.0, 0.0, 1.0]) == 0.0
    assert g.hoc_call("view_count", []) == 0.0
    assert g.hoc_call("addvar", ["v(.5)"]) == 1.0 and g.hoc_call("flush", []) == 1.0
    assert g.hoc_call("unmap", []) == 0.0
    box = interp.new("VBox")
    assert box.hoc_call("intercept", [1.0]) == 1.0 and box.hoc_call("ismapped", []) == 0.0
    lst = interp.new("List")
    assert lst.m_append([g]) == 1.0
    assert "".join(interp.stderr).count("Graph") == 1


def test_menu_procs_are_accepted(interp):
    fn, kind = interp.builtins["nrnmainmenu"]
    assert kind == "proc" and fn(interp, [], None) is None
