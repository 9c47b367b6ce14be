"""Run by test_meeting in a process of its own, on an offscreen platform with two screens: start
meeting mode from a window on the laptop and print where its windows went, as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtGui import QGuiApplication

from pmdesk.services import postmortems
from pmdesk.storage.library import open_library
from pmdesk.ui.app import make_application
from pmdesk.ui.main_window import MainWindow


def main(library_path: str, fixture: str) -> None:
    app = make_application()
    laptop, projector = QGuiApplication.screens()
    with open_library(library_path) as library:
        (postmortem_id,) = postmortems.import_files(library, [Path(fixture)]).postmortem_ids
        window = MainWindow(library)
        window.setScreen(laptop)
        window.move(laptop.geometry().topLeft())
        window.show()
        window.open_postmortem(postmortem_id)
        mode = window.start_meeting()
        assert mode is not None and mode.control_window is not None
        app.processEvents()
        where = {
            "stage": mode.stage.screen().name(),
            "stage_size": [mode.stage.width(), mode.stage.height()],
            "stage_full_screen": mode.stage.isFullScreen(),
            "controls": mode.control_window.screen().name(),
            "controls_inside_stage": mode.controls.window() is mode.stage,
            "projector": projector.name(),
            "laptop": laptop.name(),
        }
        # Keys in the controls window drive the stage.
        mode.control_window.activateWindow()
        action = next(a for a in mode.control_window.actions() if a.text() == "Next step")
        action.trigger()
        where["step_after_next"] = mode.step.value
        # The projector pulled out: the controls come back beside the stage, on the laptop.
        mode.place([laptop], laptop)
        app.processEvents()
        where["after_unplug"] = {
            "stage": mode.stage.screen().name(),
            "controls_inside_stage": mode.controls.window() is mode.stage,
            "control_window_shown": mode.control_window.isVisible(),
        }
        mode.place([laptop, projector], laptop)
        app.processEvents()
        where["after_replug_controls_inside_stage"] = mode.controls.window() is mode.stage
        mode.leave()
        window.close()
    print(json.dumps(where))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
