from studio.engine.footage.reading import read_folder


def test_real_clips_are_read_and_corrupted_skipped(real_data):
    f = read_folder(real_data, 64)
    assert sorted(v.path.name for v in f.videos) == ["bikes.mp4", "carphone_pristine.mp4"]
    assert [name for name, _ in f.skipped] == ["corrupted.mp4"]
    assert "corrupt" in f.skipped[0][1]
    bikes = next(v for v in f.videos if v.path.name == "bikes.mp4")
    assert bikes.frames.shape == (250, 64, 64, 3) and abs(bikes.fps - 25) < 0.01
    idx = f.clip_index(16, 2)
    assert idx and all(f.clip(vi, s, 16, 2).shape == (16, 64, 64, 3) for vi, s in idx)


def test_caption_from_txt(tmp_path, real_data):
    import shutil
    shutil.copy(real_data / "carphone_pristine.mp4", tmp_path / "call.mp4")
    (tmp_path / "call.txt").write_text("a man talking on a phone in a car\n")
    (tmp_path / "junk.mp4").write_bytes(b"\x00" * 1000)
    f = read_folder(tmp_path, 32)
    assert f.videos[0].caption == "a man talking on a phone in a car"
    assert f.videos[0].frames.shape[1:] == (32, 32, 3)
    assert f.skipped[0][0] == "junk.mp4"


def test_caption_from_the_file_name_when_there_is_no_txt(tmp_path, real_data):
    import shutil

    from studio.engine.footage.reading import caption_from_name
    shutil.copy(real_data / "carphone_pristine.mp4", tmp_path / "man_on-thePhone 2.mp4")
    f = read_folder(tmp_path, 32)
    assert f.videos[0].caption == "man on the phone"
    assert caption_from_name("IMG_0042.mov") == "" and caption_from_name("RedBall_bounce_v2.mp4") == "red ball bounce"
    assert read_folder(real_data, 32).videos[0].caption == "bikes"
