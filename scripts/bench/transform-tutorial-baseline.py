"""A stand-in for the Python tutorials' transform, for `make bench` to run on the same machine.

It is not any tutorial's code. It follows their approach: every raw file is loaded first, then
each becomes lists of dicts, pandas DataFrames (albums and artists deduplicated, dates parsed)
and CSV files, on local disk. Usage: transform-tutorial-baseline.py RAW_DIR OUT_DIR. Prints one
JSON line: files, peak RSS in bytes.
"""

import io
import json
import os
import resource
import sys

import pandas as pd


def album_rows(snapshot):
    return [
        {
            "album_id": entry["track"]["album"]["id"],
            "name": entry["track"]["album"]["name"],
            "release_date": entry["track"]["album"]["release_date"],
            "total_tracks": entry["track"]["album"]["total_tracks"],
            "url": entry["track"]["album"]["external_urls"]["spotify"],
        }
        for entry in snapshot["items"]
    ]


def artist_rows(snapshot):
    return [
        {"artist_id": artist["id"], "artist_name": artist["name"], "external_url": artist["href"]}
        for entry in snapshot["items"]
        for artist in entry["track"]["artists"]
    ]


def song_rows(snapshot):
    return [
        {
            "song_id": entry["track"]["id"],
            "song_name": entry["track"]["name"],
            "duration_ms": entry["track"]["duration_ms"],
            "url": entry["track"]["external_urls"]["spotify"],
            "popularity": entry["track"]["popularity"],
            "song_added": entry["added_at"],
            "album_id": entry["track"]["album"]["id"],
            "artist_id": entry["track"]["album"]["artists"][0]["id"],
        }
        for entry in snapshot["items"]
    ]


def main(raw_dir, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    snapshots = []
    for name in sorted(os.listdir(raw_dir)):
        with open(os.path.join(raw_dir, name), "rb") as file:
            snapshots.append(json.loads(file.read()))
    for number, snapshot in enumerate(snapshots):
        albums = pd.DataFrame.from_dict(album_rows(snapshot)).drop_duplicates(subset=["album_id"])
        artists = pd.DataFrame.from_dict(artist_rows(snapshot)).drop_duplicates(subset=["artist_id"])
        songs = pd.DataFrame.from_dict(song_rows(snapshot))
        albums["release_date"] = pd.to_datetime(albums["release_date"], errors="coerce")
        songs["song_added"] = pd.to_datetime(songs["song_added"])
        for table, frame in (("songs", songs), ("album", albums), ("artist", artists)):
            text = io.StringIO()
            frame.to_csv(text, index=False)
            with open(os.path.join(out_dir, f"{table}_transformed_{number:04d}.csv"), "w") as file:
                file.write(text.getvalue())
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"files": len(snapshots), "peakRssBytes": peak_kib * 1024}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
