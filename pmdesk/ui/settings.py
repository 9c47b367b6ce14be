"""UI state remembered between runs (QSettings holds UI state only, never postmortem data)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from pmdesk.ui.themes import Theme

MAX_RECENT = 8


class UiSettings:
    """Typed access to the few things pmdesk remembers: window layout, theme, zoom, recent
    libraries, the folder last used for each kind of file."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings if settings is not None else QSettings()

    @property
    def theme(self) -> Theme:
        value = self._settings.value("view/theme", Theme.LIGHT.value)
        try:
            return Theme(str(value))
        except ValueError:
            return Theme.LIGHT

    @theme.setter
    def theme(self, theme: Theme) -> None:
        self._settings.setValue("view/theme", theme.value)

    @property
    def zoom(self) -> float:
        try:
            value = float(self._settings.value("view/zoom", 1.0))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return 1.0
        return value if 0.5 <= value <= 4.0 else 1.0

    @zoom.setter
    def zoom(self, zoom: float) -> None:
        self._settings.setValue("view/zoom", zoom)

    def panel_collapsed(self, panel: str) -> bool:
        """Whether the user collapsed a side panel ("library", "readiness") and left it so."""
        return self._flag(f"panels/{panel}_collapsed", False)

    def set_panel_collapsed(self, panel: str, collapsed: bool) -> None:
        self._settings.setValue(f"panels/{panel}_collapsed", collapsed)

    @property
    def similar_beside_readiness(self) -> bool:
        """Whether the Similar panel comes back with the readiness panel when it is restored."""
        return self._flag("panels/similar_shown", True)

    @similar_beside_readiness.setter
    def similar_beside_readiness(self, shown: bool) -> None:
        self._settings.setValue("panels/similar_shown", shown)

    def _flag(self, key: str, default: bool) -> bool:
        value = self._settings.value(key, default)
        if isinstance(value, str):  # an INI file gives "true" and "false" back as text
            return value.strip().lower() in ("true", "1")
        return bool(value)

    def geometry(self, key: str) -> QByteArray | None:
        value = self._settings.value(f"window/{key}")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, key: str, value: QByteArray) -> None:
        self._settings.setValue(f"window/{key}", value)

    @property
    def recent_libraries(self) -> list[str]:
        value = self._settings.value("library/recent", [])
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def remember_library(self, location: str) -> None:
        recent = [location, *(r for r in self.recent_libraries if r != location)]
        self._settings.setValue("library/recent", recent[:MAX_RECENT])

    def folder_for(self, kind: str) -> str | None:
        """The folder the last file of this kind was chosen in, if it is still there."""
        value = self._settings.value(f"folders/{kind}")
        return value if isinstance(value, str) and value and Path(value).is_dir() else None

    def remember_folder(self, kind: str, folder: str) -> None:
        self._settings.setValue(f"folders/{kind}", folder)

    def last_open(self, library: str) -> tuple[str, str] | None:
        """The postmortem and section open when this library's window last closed."""
        if self._settings.value("session/library") != library:
            return None
        postmortem, section = (
            self._settings.value(f"session/{k}") for k in ("postmortem", "section")
        )
        if isinstance(postmortem, str) and postmortem and isinstance(section, str):
            return postmortem, section
        return None

    def remember_open(self, library: str, postmortem: str | None, section: str) -> None:
        self._settings.setValue("session/library", library)
        self._settings.setValue("session/postmortem", postmortem or "")
        self._settings.setValue("session/section", section)

    def sync(self) -> None:
        self._settings.sync()
