"""Geometry of the body figure: front and back views, one shape per pain region.

Drawn as seen by someone facing the patient in the front view (the patient's right on
the left of the picture) and from behind in the back view (the patient's right on the
right). The picture only mirrors the labelled checkboxes, which are the real control.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

WIDTH = 200

# Shapes in the front view: (kind, x or cx, y or cy, w or rx, h or ry).
_FRONT = {
    "head": ("ellipse", 100, 34, 22, 27),
    "neck": ("rect", 90, 60, 20, 16),
    "shoulder_r": ("ellipse", 62, 86, 18, 12),
    "shoulder_l": ("ellipse", 138, 86, 18, 12),
    "chest": ("rect", 72, 80, 56, 50),
    "abdomen": ("rect", 74, 130, 52, 44),
    "groin": ("rect", 90, 174, 20, 24),
    "hip_r": ("rect", 72, 174, 18, 24),
    "hip_l": ("rect", 110, 174, 18, 24),
    "arm_r": ("rect", 40, 98, 18, 110),
    "arm_l": ("rect", 142, 98, 18, 110),
    "hand_r": ("ellipse", 49, 222, 10, 14),
    "hand_l": ("ellipse", 151, 222, 10, 14),
    "thigh_r": ("rect", 74, 198, 24, 82),
    "thigh_l": ("rect", 102, 198, 24, 82),
    "knee_r": ("ellipse", 86, 291, 12, 11),
    "knee_l": ("ellipse", 114, 291, 12, 11),
    "lower_leg_r": ("rect", 76, 302, 20, 80),
    "lower_leg_l": ("rect", 104, 302, 20, 80),
    "foot_r": ("ellipse", 85, 392, 13, 8),
    "foot_l": ("ellipse", 115, 392, 13, 8),
}
_BACK_ONLY = {
    "upper_back": ("rect", 72, 80, 56, 34),
    "mid_back": ("rect", 72, 114, 56, 30),
    "lower_back": ("rect", 74, 144, 52, 30),
    "buttock_r": ("rect", 100, 174, 26, 26),
    "buttock_l": ("rect", 74, 174, 26, 26),
}
_FRONT_ONLY = {"chest", "abdomen", "groin", "hip_l", "hip_r"}


@dataclass(frozen=True, slots=True)
class Shape:
    code: str
    kind: str
    attrs: dict[str, float]
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
