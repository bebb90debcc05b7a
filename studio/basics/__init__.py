"""The shared basics, below every other package (engine, media, lesson, project, cli, ui):
errors, files (reading a user's file, atomic writes), images, export sizes and a training folder's
layout. Pure Python; nothing here imports another studio package, torch or Qt."""
