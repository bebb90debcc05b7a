"""The main window's layout: prompt and controls on the left, preview, transport, timeline and the
keyframe bar in the centre, sliders on the right, the Lesson and Trajectory docks below, chips in the
status bar. Assembly only: the widgets become the window's attributes."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDockWidget, QHBoxLayout, QLabel, QScrollArea, QSplitter, QStackedWidget, QVBoxLayout,
                               QWidget)

from .empty_state import EmptyState
from .keyframe_editing import KeyframeEditor
from .latent_panel import LatentPanel
from .lesson_panel import attach_lesson_panel
from .lesson_playback import LessonPlayback
from .music import attach_music
from .panel import styled_layout
from .preview import PreviewView
from .prompt_panel import PromptPanel
from .status import Banner, Spinner, StatusLine
from .timeline import Timeline
from .transport import TransportBar


def build_layout(window) -> None:
    window.prompt = PromptPanel()
    window.latent = LatentPanel()
    window.latent.setMinimumWidth(260)
    window.latent.setMaximumWidth(420)

    window.preview = PreviewView()
    window.preview.set_placeholder("Starting the engine…")
    window.transport = TransportBar(window.player)
    window.timeline = Timeline(window.player)
    window.banner = Banner()
    clip_page = QWidget()
    v = QVBoxLayout(clip_page)
    v.setContentsMargins(0, 0, 0, 0)
    v.setSpacing(0)
    v.addWidget(window.preview, 1)
    v.addWidget(window.transport)
    v.addWidget(window.timeline)
    window.key_editor = KeyframeEditor(window, v)          # keys, loop, noise loop, trajectory dock
    window.lesson_view = LessonPlayback(window, v)         # a rendered lesson plays in this preview
    window.empty = EmptyState()
    window.stack = QStackedWidget()
    window.stack.addWidget(clip_page)
    window.stack.addWidget(window.empty)
    center = QWidget()
    cv = styled_layout(center, "centerPanel", spacing=0)
    banner_row = QHBoxLayout()
    banner_row.setContentsMargins(12, 8, 12, 0)
    banner_row.addWidget(window.banner)
    cv.addLayout(banner_row)
    cv.addWidget(window.stack, 1)

    window.splitter = QSplitter(Qt.Orientation.Horizontal)
    window.splitter.setChildrenCollapsible(False)
    left = QScrollArea()                        # small screens: the left panel scrolls, never squeezes
    left.setWidget(window.prompt)
    left.setWidgetResizable(True)
    left.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    left.setMinimumWidth(290)
    left.setMaximumWidth(460)
    window.left_panel = left
    window.splitter.addWidget(left)
    window.splitter.addWidget(center)
    window.splitter.addWidget(window.latent)
    window.splitter.setStretchFactor(1, 1)
    window.splitter.setSizes([340, 760, 320])
    window.setCentralWidget(window.splitter)
    window.lesson_panel = attach_lesson_panel(window)          # issue 9: the Lesson dock (lesson_panel.py)
    window.tabifyDockWidget(window.findChild(QDockWidget, "lessonDock"), window.trajectory_dock)
    attach_music(window)                                       # issue 20: the music lane, the Music dock, the sound
    window.trajectory_dock.raise_()
    window.resizeDocks([window.trajectory_dock], [230], Qt.Orientation.Vertical)

    bar = window.statusBar()
    bar.setSizeGripEnabled(False)
    window.spinner = Spinner()
    window.message = StatusLine("Starting…")        # busy texts end when their work ends
    bar.addWidget(window.spinner)
    bar.addWidget(window.message, 1)
    window.model_chip = QLabel("no model")
    window.device_chip = QLabel("device: …")
    window.render_chip = QLabel("render: –")
    for chip in (window.model_chip, window.device_chip, window.render_chip):
        chip.setObjectName("statusChip")
        bar.addPermanentWidget(chip)
