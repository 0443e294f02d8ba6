"""Forms of the camera pages."""

from dataclasses import dataclass

from django import forms

from .choices import HAMode
from .models import Camera

BULK_PLACEHOLDER = ""
#: Larger numbers cannot be a camera id (a 64-bit primary key), and some databases choke.
MAX_ID = 2**63 - 1


@dataclass
class EditCameraRow:
    """One row of Edit Cameras as the template draws it."""

    camera: Camera
    mode: forms.BoundField
    seen: forms.BoundField
    selected: bool
    changed: bool
    stale: bool


class EditCamerasForm(forms.Form):
    """New High Availability modes for a page of cameras.

    Each camera has a select ``ha_<id>`` and a hidden ``seen_<id>``: the mode the user was
    shown, so that a camera someone else changed meanwhile is reported, not overwritten.
    ``selected`` (checked rows) and ``bulk_mode`` are "Set selected to ...": on save, the
    checked rows take the bulk mode when one is chosen.
    """

    bulk_mode = forms.ChoiceField(
        choices=[(BULK_PLACEHOLDER, "Set selected to ..."), *HAMode.choices],
        required=False,
        label="Set selected to",
    )

    def __init__(self, cameras: list[Camera], *args, stale_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cameras = cameras
        self.stale_ids = set(stale_ids)
        self.fields["selected"] = forms.TypedMultipleChoiceField(
            choices=[(camera.id, camera.id) for camera in cameras], coerce=int, required=False
        )
        for camera in cameras:
            self.fields[f"ha_{camera.id}"] = forms.ChoiceField(
                choices=HAMode.choices,
                initial=camera.ha_mode,
                label=f"High Availability of {camera}",
            )
            self.fields[f"seen_{camera.id}"] = forms.ChoiceField(
                choices=HAMode.choices, initial=camera.ha_mode, widget=forms.HiddenInput
            )

    @staticmethod
    def camera_ids(data) -> list[int]:
        """The cameras a posted form was about, in its order, read from its ``seen_<id>``."""
        ids = (
            int(name.removeprefix("seen_"))
            for name in data
            if name.startswith("seen_") and name.removeprefix("seen_").isdigit()
        )
        return list(dict.fromkeys(camera_id for camera_id in ids if camera_id <= MAX_ID))

    def chosen_modes(self) -> dict[int, str]:
        """The mode of every row once the pending "Set selected to ..." is applied."""
        bulk = self.cleaned_data["bulk_mode"]
        selected = set(self.cleaned_data["selected"]) if bulk else set()
        return {
            camera.id: bulk if camera.id in selected else self.cleaned_data[f"ha_{camera.id}"]
            for camera in self.cameras
        }

    def seen_modes(self) -> dict[int, str]:
        return {camera.id: self.cleaned_data[f"seen_{camera.id}"] for camera in self.cameras}

    def changes(self) -> tuple[dict[int, str], dict[int, str]]:
        """``(new modes, modes seen)`` of the rows the user changed, and only those."""
        seen = self.seen_modes()
        new = {
            camera_id: mode
            for camera_id, mode in self.chosen_modes().items()
            if mode != seen[camera_id]
        }
        return new, {camera_id: seen[camera_id] for camera_id in new}

    def rows(self) -> list[EditCameraRow]:
        selected = {str(value) for value in self["selected"].value() or ()}
        rows = []
        for camera in self.cameras:
            mode, seen = self[f"ha_{camera.id}"], self[f"seen_{camera.id}"]
            rows.append(
                EditCameraRow(
                    camera=camera,
                    mode=mode,
                    seen=seen,
                    selected=str(camera.id) in selected,
                    changed=str(mode.value()) != str(seen.value()),
                    stale=camera.id in self.stale_ids,
                )
            )
        return rows
