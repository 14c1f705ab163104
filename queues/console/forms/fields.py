"""Fields for amounts with a unit: a duration typed as "4 days", a size as "256 KiB".

The browser shows a number and a unit picker; the server still works in seconds or bytes (the
field's value, its limits and what a client may post as the plain field name). Limits are said
in words ("at most 12 hours"), with the dashboard's own duration and size wording.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms

from ..units import human_bytes, human_duration

# (size of one unit in the base unit, its name), smallest first.
Units = Sequence[tuple[int, str]]
SECONDS: Units = ((1, "seconds"), (60, "minutes"), (3600, "hours"), (86400, "days"))
BYTES: Units = ((1024, "KiB"), (1 << 20, "MiB"))


def radio_choice(label: str, choices: Sequence[tuple[str, str]], initial: str, **extra):
    """A choice shown as radio buttons, one of them picked to begin with."""
    return forms.ChoiceField(
        label=label, choices=choices, initial=initial, widget=forms.RadioSelect, **extra
    )


def largest_whole_unit(amount: int, units: Units) -> tuple[int, int]:
    """345600 seconds -> (4, 86400): the amount in the largest unit that divides it (the smallest
    unit when none does)."""
    for size, _ in reversed(units):
        if amount % size == 0 and (amount or size == units[0][0]):
            return amount // size, size
    return amount, units[0][0]


class UnitWidget(forms.MultiWidget):
    """A number and a unit <select>; `name` posted on its own (a script, an older form) is taken
    as the amount in the base unit."""

    template_name = "forms/widgets/unit.html"
    use_fieldset = False

    def __init__(self, units: Units, *, base_name: str, attrs=None) -> None:
        self.units = units
        self.base_name = base_name
        self.label = ""
        number = forms.NumberInput(attrs={"min": 0, "step": "any", "inputmode": "decimal"})
        select = forms.Select(choices=[(str(size), name) for size, name in units])
        super().__init__([number, select], attrs)

    def decompress(self, value: Any) -> list[Any]:
        try:
            base = int(value)
        except (TypeError, ValueError):
            return [value, str(self.units[0][0])]
        amount, size = largest_whole_unit(base, self.units)
        return [amount, str(size)]

    def value_from_datadict(self, data, files, name):
        if name in data:
            return data[name]
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        number, select = context["widget"]["subwidgets"]
        select["attrs"]["aria-label"] = f"{self.label} unit" if self.label else "Unit"
        amount = _in_base_unit(number["value"], select["value"][0] if select["value"] else "")
        if amount is not None:
            # The exact figure on hover ("262,144 bytes"); static/js/units.js keeps it current.
            number["attrs"]["title"] = f"{amount:,} {self.base_name}"
        number["attrs"]["data-base-unit"] = self.base_name
        return context


# Longer than any limit needs: a number of a million digits is refused before arithmetic.
MAX_TYPED = 20


def _exact(amount: Any, unit: Any) -> Decimal | None:
    """ "1.5", "3600" -> Decimal(5400); None when either is not a finite number."""
    typed = str(amount).strip()
    if len(typed) > MAX_TYPED:
        return None
    try:
        total = Decimal(typed) * int(unit)
    except (ArithmeticError, ValueError, TypeError):
        return None
    return total if total.is_finite() else None


def _in_base_unit(amount: Any, unit: Any) -> int | None:
    """ "4", "86400" -> 345600; None when it is not a whole number of base units."""
    total = _exact(amount, unit)
    if total is None or total != total.to_integral_value():
        return None
    return int(total)


class UnitField(forms.IntegerField):
    """An IntegerField in a base unit, typed with a number and a unit picker."""

    units: Units = ()
    base_name = ""

    def words(self, amount: int) -> str:
        """An amount of the base unit in words; the subclasses say it as the dashboard does."""
        return f"{amount:,} {self.base_name}"

    def __init__(self, *, min_value: int, max_value: int, **kwargs):
        # The units the limit allows (always the smallest): no "days" for at most 15 minutes.
        smallest = self.units[0][0]
        units = [(size, name) for size, name in self.units if size <= max(max_value, smallest)]
        kwargs.setdefault("widget", UnitWidget(units, base_name=self.base_name))
        messages = {
            "min_value": f"Use at least {self.words(min_value)}.",
            "max_value": f"Use at most {self.words(max_value)}.",
            "invalid": "Enter a number, such as 4 (and pick its unit).",
            "whole": f"Use a whole number of {self.base_name} (this is {{amount}}).",
            "unit": "Pick a unit from the list.",
            **kwargs.pop("error_messages", {}),
        }
        super().__init__(
            min_value=min_value, max_value=max_value, error_messages=messages, **kwargs
        )
        self.widget.label = str(self.label or "")

    def widget_attrs(self, widget):
        # min and max are in the base unit, not the unit picked: the server says them in words.
        return {}

    def to_python(self, value: Any) -> int | None:
        if not isinstance(value, list | tuple):
            return super().to_python(value)
        amount, unit = [*value, "", ""][:2]
        if amount in self.empty_values or not str(amount).strip():
            return None
        if str(unit) not in {str(size) for size, _ in self.widget.units}:
            raise forms.ValidationError(self.error_messages["unit"], code="unit")
        exact = _exact(amount, unit)
        if exact is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if exact != exact.to_integral_value():
            raise forms.ValidationError(
                self.error_messages["whole"].format(amount=f"{exact.normalize():f}"),
                code="whole",
            )
        return int(exact)


class DurationField(UnitField):
    """Seconds, typed as seconds, minutes, hours or days; 'Use at most 12 hours.'"""

    units = SECONDS
    base_name = "seconds"
    words = staticmethod(human_duration)


class SizeField(UnitField):
    """Bytes, typed in KiB or MiB; the exact bytes on hover."""

    units = BYTES
    base_name = "bytes"
    words = staticmethod(human_bytes)
