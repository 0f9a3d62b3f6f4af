"""List: NEURON's return values (measured with nrniv 9.0.2) and reference counting."""
import pytest

from hocx.errors import HocError


def test_c24_c49_counts_and_objects(interp):
    lst = interp.new("List")
    a, b = interp.new("Vector", 2.0), interp.new("Vector", 3.0)
    assert lst.m_append([a]) == 1.0 and lst.m_append([b]) == 2.0
    assert lst.m_count([]) == 2.0 and lst.m_o([1.0]).m_size([]) == 3.0
    assert lst.m_object([0.0]) is a


def test_prepend_insrt_remove_index(interp):
    lst = interp.new("List")
    a, b = interp.new("Vector"), interp.new("Vector")
    assert lst.m_append([a]) == 1.0
    assert lst.m_prepend([b]) == 2.0
    assert lst.m_insrt([1.0, a]) == 3.0
    assert lst.m_index([a]) == 1.0 and lst.m_index([lst]) == -1.0
    assert lst.m_remove([0.0]) == 2.0 and lst.m_o([0.0]) is a
    assert lst.m_remove_all([]) == 0.0 and lst.m_count([]) == 0.0
    with pytest.raises(HocError, match="Arg out of range"):
        lst.m_object([5.0])


def test_membership_holds_a_reference(interp):
    lst = interp.new("List")
    v = interp.new("Vector")
    lst.m_append([v])
    lst.m_append([v])
    assert v.refcount == 2
    lst.m_remove([0.0])
    assert v.refcount == 1 and interp.objects.instances("Vector") == [v]
    lst.m_remove_all([])
    assert v.refcount == 0 and interp.objects.instances("Vector") == []


def test_list_of_template_instances_is_live(interp):
    a, b = interp.new("Vector"), interp.new("Vector")
    lst = interp.new("List", "Vector")
    assert lst.m_count([]) == 2.0 and lst.m_o([1.0]) is b
    c = interp.new("Vector")
    assert lst.m_count([]) == 3.0 and lst.m_index([c]) == 2.0
    with pytest.raises(HocError, match="read-only"):
        lst.m_append([a])


def test_browser_is_a_headless_noop(interp):
    lst = interp.new("List")
    assert lst.m_browser(["title"]) == 0.0
    assert "List.browser" in "".join(interp.stderr)
