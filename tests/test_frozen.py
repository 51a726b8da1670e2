"""pipeline.frozen.maker makes the instance the dataclass's own __init__ makes."""

from __future__ import annotations

import copy
import pickle
from dataclasses import asdict, dataclass, field, replace

import pytest

from pipeline.checks import Unit
from pipeline.frozen import cached, maker
from pipeline.locales import parse_locale


def test_a_unit_made_without_init_is_the_unit_init_makes():
    values = dict(source="Take 5 mg.", translation="Prenez 5 mg.", locale=parse_locale("fr"), context="a/risks",
                  role="risks", required=True, flags=("fuzzy",))
    made, expected = maker(Unit)(**values), Unit(**values)
    assert made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)
    assert asdict(made) == asdict(expected)
    assert pickle.loads(pickle.dumps(made)) == expected and copy.copy(made) == expected
    assert replace(made, translation="x") == replace(expected, translation="x")
    assert made.has_digit and made.forms == ("Prenez 5 mg.",)
    with pytest.raises(AttributeError):
        made.translation = "changed"  # still frozen


def test_a_dataclass_with_a_default_factory_is_refused():
    @dataclass(frozen=True)
    class WithFactory:
        items: list = field(default_factory=list)

    with pytest.raises(TypeError, match="default factory"):
        maker(WithFactory)



CALLS: list[str] = []


@dataclass(frozen=True)
class Thing:
    name: str

    @cached
    def shout(self) -> str:
        """The name, loud."""
        CALLS.append(self.name)
        return self.name.upper()


def test_a_cached_value_is_computed_once_and_kept_in_the_instance():
    CALLS.clear()
    thing = Thing("risk")
    assert (thing.shout, thing.shout, CALLS) == ("RISK", "RISK", ["risk"])
    assert thing == Thing("risk") and thing.__dict__["shout"] == "RISK"
    assert Thing.shout.__doc__ == "The name, loud."
    assert pickle.loads(pickle.dumps(thing)).shout == "RISK"


def test_a_maker_takes_the_fields_as_keywords_and_refuses_a_missing_or_unknown_one():
    make = maker(Unit)
    made = make(source="a", translation="b", locale=parse_locale("fr"))
    assert made == Unit("a", "b", parse_locale("fr")) and made.nplurals == 1 and made.flags == ()
    with pytest.raises(TypeError):
        make(source="a", locale=parse_locale("fr"))  # no translation
    with pytest.raises(TypeError):
        make(source="a", translation="b", locale=parse_locale("fr"), colour="red")
    with pytest.raises(TypeError):
        make("a", "b", parse_locale("fr"))  # keywords only, as the fields' names


def test_a_maker_computes_a_cached_value_with_the_instance_and_refuses_anything_else():
    CALLS.clear()
    made = maker(Thing, computed={"shout": "name.upper()"})(name="risk")
    assert made.__dict__["shout"] == "RISK" and made.shout == "RISK" and CALLS == []  # the descriptor never ran
    assert made == Thing("risk") and hash(made) == hash(Thing("risk")) and repr(made) == repr(Thing("risk"))
    assert pickle.loads(pickle.dumps(made)).shout == "RISK"
    with pytest.raises(TypeError, match="not a cached property"):
        maker(Thing, computed={"name": "'x'"})  # a field
    with pytest.raises(TypeError, match="not a cached property"):
        maker(Unit, computed={"whisper": "source.lower()"})  # nothing of the class
