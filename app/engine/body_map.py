"""Geometry of the body figure: front and back views, one shape per pain region.

Drawn as seen by someone facing the patient in the front view (the patient's right on
the left of the picture) and from behind in the back view (the patient's right on the
right). The picture only mirrors the labelled checkboxes, which are the real control.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

WIDTH = 200
HEIGHT = 430
# Zoomed to one view, the figure is drawn this many CSS pixels wide (the width of a 360 px
# phone's page, less its margins), so a region of MIN_SIZE units is a 44 px target.
ZOOMED_WIDTH = 328
MIN_SIZE = 27

# Shapes in the front view: (kind, x or cx, y or cy, w or rx, h or ry). Every region is at
# least MIN_SIZE units in both directions (tested), larger than life at the hands and feet.
_FRONT = {
    "head": ("ellipse", 100, 30, 22, 26),
    "neck": ("rect", 86, 56, 28, 28),
    "shoulder_r": ("ellipse", 58, 96, 16, 14),
    "shoulder_l": ("ellipse", 142, 96, 16, 14),
    "chest": ("rect", 72, 84, 56, 50),
    "abdomen": ("rect", 72, 134, 56, 44),
    "groin": ("rect", 86, 178, 28, 28),
    "hip_r": ("rect", 58, 178, 28, 28),
    "hip_l": ("rect", 114, 178, 28, 28),
    "arm_r": ("rect", 30, 110, 28, 106),
    "arm_l": ("rect", 142, 110, 28, 106),
    "hand_r": ("ellipse", 44, 232, 15, 16),
    "hand_l": ("ellipse", 156, 232, 15, 16),
    "thigh_r": ("rect", 70, 206, 28, 86),
    "thigh_l": ("rect", 102, 206, 28, 86),
    "knee_r": ("ellipse", 84, 306, 15, 14),
    "knee_l": ("ellipse", 116, 306, 15, 14),
    "lower_leg_r": ("rect", 70, 320, 28, 80),
    "lower_leg_l": ("rect", 102, 320, 28, 80),
    "foot_r": ("ellipse", 80, 414, 16, 14),
    "foot_l": ("ellipse", 120, 414, 16, 14),
}
_BACK_ONLY = {
    "upper_back": ("rect", 72, 84, 56, 34),
    "mid_back": ("rect", 72, 118, 56, 30),
    "lower_back": ("rect", 72, 148, 56, 30),
    "buttock_r": ("rect", 100, 178, 28, 28),
    "buttock_l": ("rect", 72, 178, 28, 28),
}
_FRONT_ONLY = {"chest", "abdomen", "groin", "hip_l", "hip_r"}


@dataclass(frozen=True, slots=True)
class Shape:
    code: str
    kind: str
    attrs: dict[str, float]

    @property
    def size(self) -> tuple[float, float]:
        """Width and height in the figure's units."""
        a = self.attrs
        return (2 * a["rx"], 2 * a["ry"]) if self.kind == "ellipse" else (a["width"], a["height"])

    # Both versions of the element, made once: every questionnaire page with the figure
    # draws 42 shapes.
    _svg: tuple[Markup, Markup] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_svg", (self._element(False), self._element(True)))

    def svg(self, selected: bool) -> Markup:
        """The shape's SVG element, filled when its region is selected."""
        return self._svg[bool(selected)]

    def _element(self, selected: bool) -> Markup:
        fill = "#b10e1e" if selected else "#d9dcde"
        css = "region selected" if selected else "region"
        geometry = " ".join(f'{k}="{v}"' for k, v in self.attrs.items())
        # Only the constants above go in here, never anything a person typed.
        return Markup(  # noqa: S704  # nosec B704
            f'<{self.kind} class="{css}" fill="{fill}" stroke="#505a5f" '
            f'data-region="{self.code}" {geometry}></{self.kind}>'
        )


def _attrs(kind: str, a: float, b: float, c: float, d: float) -> dict[str, float]:
    if kind == "ellipse":
        return {"cx": a, "cy": b, "rx": c, "ry": d}
    return {"x": a, "y": b, "width": c, "height": d, "rx": 6}


def _mirror(kind: str, a: float, b: float, c: float, d: float) -> tuple:
    return (kind, WIDTH - a, b, c, d) if kind == "ellipse" else (kind, WIDTH - a - c, b, c, d)


def view(name: str) -> list[Shape]:
    """The shapes of one view ("front" or "back"), larger regions first."""
    if name == "front":
        return [Shape(code, s[0], _attrs(*s)) for code, s in _FRONT.items()]
    shapes = [
        Shape(code, s[0], _attrs(*_mirror(*s)))
        for code, s in _FRONT.items()
        if code not in _FRONT_ONLY
    ]
    shapes[2:2] = [Shape(code, s[0], _attrs(*s)) for code, s in _BACK_ONLY.items()]
    return shapes


VIEWS = {"front": view("front"), "back": view("back")}
