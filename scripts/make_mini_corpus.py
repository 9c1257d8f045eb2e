"""Regenerate the bundled mini corpus under data/mini/, byte for byte.

The mini corpus is a smoke-test corpus, not a benchmark: every utterance is synthetic speech from
Debian's espeak-ng (voices en-us+m1/m3 and en-us+f2/f3), every sound scene is synthesised here with
numpy from a fixed seed, and every sentence, translation, emotion label and caption was written by the
isac authors. Emotions are acted only through espeak-ng's pitch, speed and amplitude settings, so a real
model is not expected to recognise them. The files follow the standard layouts that isac's dataset
adapters read (LibriSpeech, CoVoST2, IEMOCAP, AudioCaps), so the default spec compiles against them.

A small TRAINING split sits beside the test split in the same layouts (LibriSpeech train-clean-100,
a CoVoST2 train table, IEMOCAP Sessions 1-4, AudioCaps train.csv) for `isac sft`: different sentences,
clips and item ids, short utterances to keep the corpus a few MB. The LibriSpeech training chapter
reuses the four synthetic speakers (SPEAKERS.TXT is shared and must not change: the golden release
fingerprints it), under chapter 200.

Usage: python scripts/make_mini_corpus.py [--out data/mini]
Needs: espeak-ng on PATH, numpy, scipy, soundfile. Output is identical for identical tool versions.
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile
from scipy.signal import resample_poly

RATE = 16_000
ESPEAK_RATE = 22_050


@dataclass(frozen=True)
class Voice:
    """espeak-ng settings for one synthetic speaker or acted emotion."""

    name: str  # e.g. "en-us+m3"
    pitch: int = 50
    speed: int = 160
    amplitude: int = 100


# ---------------------------------------------------------------------------------------------- text

LIBRISPEECH_SPEAKERS: dict[str, tuple[str, str]] = {  # speaker id -> (sex, espeak voice)
    "9001": ("M", "en-us+m1"),
    "9002": ("F", "en-us+f2"),
    "9003": ("M", "en-us+m3"),
    "9004": ("F", "en-us+f3"),
}

LIBRISPEECH_SENTENCES: tuple[str, ...] = (
    "the old mill stood quietly beside the river all through the winter",
    "she opened the letter slowly and read it twice before speaking",
    "a cold wind came down from the hills just before the evening meal",
    "they walked along the narrow road until the village lights appeared",
    "his brother had never seen the sea and asked many questions about it",
    "the captain ordered the men to wait until the morning tide",
    "every book in the small library had been read at least once",
    "we found the key under a stone near the garden gate",
    "the children laughed when the dog jumped into the shallow pond",
    "after supper the family gathered around the fire to tell stories",
    "the doctor said that the fever would pass within a few days",
    "a single candle burned on the table long after midnight",
    "the merchant counted his coins twice and then locked the chest",
    "our neighbour planted a row of apple trees along the fence",
    "the train was late so we waited on the platform for an hour",
    "she painted the door a bright shade of green in the spring",
)

COVOST_PAIRS: tuple[tuple[str, str], ...] = (
    ("The museum opens at nine in the morning.", "博物馆早上九点开门。"),
    ("Please close the window before you leave.", "你离开之前请关上窗户。"),
    ("My sister works at a hospital in the city.", "我姐姐在城里的一家医院工作。"),
    ("The weather will be sunny tomorrow afternoon.", "明天下午天气晴朗。"),
    ("He bought three books at the market.", "他在市场上买了三本书。"),
    ("We are planning a trip to the mountains.", "我们正在计划去山里旅行。"),
    ("The restaurant on the corner serves fresh fish.", "街角的那家餐厅供应新鲜的鱼。"),
    ("Our train leaves from the second platform.", "我们的火车从二号站台出发。"),
)
COVOST_VOICES: tuple[str, ...] = ("en-us+m1", "en-us+f2", "en-us+m3", "en-us+f3")

# IEMOCAP code per acted emotion; "exc" exercises the excited -> happy merge and "fru" is dropped.
EMOTION_VOICES: dict[str, tuple[int, int, int]] = {  # code -> (pitch, speed, amplitude)
    "hap": (75, 185, 110),
    "exc": (85, 200, 120),
    "sad": (25, 115, 70),
    "ang": (55, 210, 190),
    "neu": (50, 160, 100),
    "fru": (45, 170, 130),
}

# (dialog, utterance suffix, emotion code, transcript); the speaker's sex is the suffix's first letter.
IEMOCAP_UTTERANCES: tuple[tuple[str, str, str, str], ...] = (
    ("Ses05F_impro01", "F000", "neu", "I told you already that the meeting moved to Thursday."),
    ("Ses05F_impro01", "M001", "ang", "You never listen to a single word I say to you."),
    ("Ses05F_impro01", "F002", "sad", "I really thought she would come back home this year."),
    ("Ses05F_impro01", "M003", "hap", "This is the best news I have heard in a long time."),
    ("Ses05F_impro01", "F004", "exc", "We actually won the whole thing, I can hardly believe it!"),
    ("Ses05F_impro01", "M005", "fru", "Why does this form keep asking me for the same number?"),
    ("Ses05F_impro01", "F006", "neu", "Okay."),
    ("Ses05F_impro01", "M007", "sad", "There is nothing left for us in this old town now."),
    ("Ses05M_impro02", "M000", "neu", "The bus usually stops right outside the library door."),
    ("Ses05M_impro02", "F001", "ang", "Stop making excuses and give me back my keys right now."),
    ("Ses05M_impro02", "M002", "hap", "I love how the garden looks after all that rain."),
    ("Ses05M_impro02", "F003", "sad", "I miss the way things were when we were younger."),
    ("Ses05M_impro02", "M004", "ang", "That is the third time you have broken your promise to me."),
    ("Ses05M_impro02", "F005", "hap", "Thank you so much, this is a wonderful birthday surprise."),
    ("Ses05M_impro02", "M006", "neu", "I will send you the address of the new office later today."),
    ("Ses05M_impro02", "F007", "exc", "Oh wow."),
)

# AudioCaps-style clips: (youtube-like id, scene kind, five captions written for the synthetic scene)
AUDIOCAPS_CLIPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "isacMini001",
        "beeps",
        (
            "A high pitched electronic beep repeats at a steady pace",
            "An alarm beeps over and over in short bursts",
            "Repeated electronic beeping with short pauses in between",
            "A device emits a series of sharp beeps",
            "Steady beeping from an electronic alarm",
        ),
    ),
    (
        "isacMini002",
        "rain",
        (
            "Steady hissing noise like heavy rain falling",
            "Rain pours down continuously with a soft hiss",
            "A constant rush of static resembling rainfall",
            "White noise hisses without stopping",
            "Heavy rain falls steadily on a surface",
        ),
    ),
    (
        "isacMini003",
        "engine",
        (
            "A low engine hums and rumbles steadily",
            "A motor idles with a deep droning hum",
            "Low frequency rumbling of a running engine",
            "An engine drones in the background with a slight pulsing",
            "A machine hums at a low pitch",
        ),
    ),
    (
        "isacMini004",
        "siren",
        (
            "A siren wails rising and falling in pitch",
            "An emergency siren sweeps up and down",
            "A loud wailing siren changes pitch repeatedly",
            "A warning siren howls with a sweeping tone",
            "A siren rises and falls continuously",
        ),
    ),
    (
        "isacMini005",
        "knocks",
        (
            "Someone knocks sharply on a door several times",
            "Loud knocking in a quick series of taps",
            "A person raps on a wooden surface repeatedly",
            "Short sharp knocks echo one after another",
            "Knocking on a door in a steady rhythm",
        ),
    ),
    (
        "isacMini006",
        "chirps",
        (
            "Birds chirp with quick rising whistles",
            "A bird sings short high pitched chirps",
            "Chirping whistles repeat in rapid succession",
            "Small birds tweet in quick bursts",
            "High chirping sounds like birds calling",
        ),
    ),
)


# Training split (isac sft): short sentences, disjoint from everything above.
LIBRISPEECH_TRAIN_SENTENCES: tuple[str, ...] = (
    "the farmer fed the horses at dawn",
    "a small boat drifted past the pier",
    "the teacher wrote three words on the board",
    "snow covered the roofs of the town",
    "he carried the basket up the stairs",
    "the bells rang out across the valley",
    "my aunt baked bread every sunday",
    "the lamp flickered and then went out",
    "a fox crossed the field at night",
    "they sang songs on the long journey",
    "the clock in the hall struck seven",
    "she kept the old map in a drawer",
)
LIBRISPEECH_TRAIN_CHAPTER = "200"

COVOST_TRAIN_PAIRS: tuple[tuple[str, str], ...] = (
    ("The shop closes at six.", "商店六点关门。"),
    ("I drink tea every morning.", "我每天早上喝茶。"),
    ("The park is very quiet today.", "今天公园很安静。"),
    ("She likes to read novels.", "她喜欢读小说。"),
    ("We took a taxi to the airport.", "我们坐出租车去了机场。"),
    ("The soup is too hot.", "汤太烫了。"),
)

# (session, dialog, utterance suffix, emotion code, transcript); more than five words each, for N.
IEMOCAP_TRAIN_UTTERANCES: tuple[tuple[int, str, str, str, str], ...] = (
    (1, "Ses01F_impro01", "F000", "hap", "I am so glad you could come today."),
    (1, "Ses01F_impro01", "M001", "sad", "I lost the only photo of my father."),
    (1, "Ses01F_impro01", "F002", "ang", "You broke the vase and did not tell me."),
    (2, "Ses02M_impro02", "M000", "neu", "The report is on the desk by the door."),
    (2, "Ses02M_impro02", "F001", "hap", "We are finally going on a holiday together."),
    (2, "Ses02M_impro02", "M002", "ang", "I asked you twice to turn the music down."),
    (3, "Ses03F_impro03", "F000", "sad", "Nobody called me on my birthday this year."),
    (3, "Ses03F_impro03", "M001", "neu", "The meeting starts at ten in room four."),
    (3, "Ses03F_impro03", "F002", "exc", "I passed the exam with the highest mark!"),
    (4, "Ses04M_impro04", "M000", "hap", "This cake tastes even better than last time."),
    (4, "Ses04M_impro04", "F001", "neu", "Please put the boxes next to the window."),
    (4, "Ses04M_impro04", "M002", "sad", "The old dog did not wake up this morning."),
)

# AudioCaps train.csv has one caption per clip.
AUDIOCAPS_TRAIN_CLIPS: tuple[tuple[str, str, str], ...] = (
    ("isacTrain01", "beeps", "An electronic alarm beeps in a regular pattern"),
    ("isacTrain02", "rain", "Rain falls with a steady hiss"),
    ("isacTrain03", "siren", "A siren wails up and down"),
    ("isacTrain04", "knocks", "Someone knocks on a door several times"),
)


# -------------------------------------------------------------------------------------------- audio


def speak(text: str, voice: Voice) -> np.ndarray:
    """Synthesise text with espeak-ng and return 16 kHz mono float samples."""
    command = ["espeak-ng", "-v", voice.name, "-p", str(voice.pitch), "-s", str(voice.speed)]
    command += ["-a", str(voice.amplitude), "--stdout", text]
    wav_bytes = subprocess.run(command, check=True, capture_output=True).stdout
    samples, rate = soundfile.read(io.BytesIO(wav_bytes), dtype="float64")
    if rate != ESPEAK_RATE:
        raise RuntimeError(f"espeak-ng produced {rate} Hz audio; expected {ESPEAK_RATE}")
    resampled = resample_poly(samples, RATE, ESPEAK_RATE)  # 16000/22050 = 320/441
    return np.clip(resampled, -1.0, 1.0)


def scene(kind: str, seed: int, seconds: float = 4.0) -> np.ndarray:
    """Synthesise a short sound scene from a fixed seed."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    if kind == "beeps":
        gate = (np.floor(t * 4) % 2 == 0).astype(float)
        signal = 0.4 * np.sin(2 * np.pi * 2000 * t) * gate
    elif kind == "rain":
        noise = rng.standard_normal(t.size)
        signal = 0.25 * np.convolve(noise, np.ones(3) / 3, mode="same")
    elif kind == "engine":
        wobble = 1 + 0.2 * np.sin(2 * np.pi * 3 * t)
        signal = sum(0.2 / n * np.sin(2 * np.pi * 55 * n * t) for n in range(1, 6)) * wobble
    elif kind == "siren":
        phase = 2 * np.pi * np.cumsum(700 + 400 * np.sin(2 * np.pi * 0.5 * t)) / RATE
        signal = 0.4 * np.sin(phase)
    elif kind == "knocks":
        signal = np.zeros(t.size)
        for start in np.arange(0.3, seconds - 0.2, 0.45):
            index = int(start * RATE)
            burst = rng.standard_normal(800) * np.exp(-np.arange(800) / 120)
            signal[index : index + 800] += 0.6 * burst
    elif kind == "chirps":
        signal = np.zeros(t.size)
        for start in np.arange(0.2, seconds - 0.3, 0.35):
            index = int(start * RATE)
            local = np.arange(int(0.12 * RATE)) / RATE
            sweep = np.sin(2 * np.pi * (3000 * local + 20000 * local**2)) * np.hanning(local.size)
            signal[index : index + local.size] += 0.4 * sweep
    else:
        raise ValueError(f"unknown scene kind {kind!r}")
    return np.clip(signal, -1.0, 1.0)


def write_audio(path: Path, samples: np.ndarray, fmt: str) -> None:
    """Write 16-bit PCM mono audio at 16 kHz."""
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(path, samples, RATE, subtype="PCM_16", format=fmt)


# ------------------------------------------------------------------------------------------ corpora


def make_librispeech(root: Path) -> None:
    """LibriSpeech/test-clean/<spk>/<chapter>/ with .flac utterances and .trans.txt, plus SPEAKERS.TXT."""
    base = root / "LibriSpeech"
    chapter = "100"
    speakers = list(LIBRISPEECH_SPEAKERS.items())
    per_speaker = len(LIBRISPEECH_SENTENCES) // len(speakers)
    for index, (speaker, (_, voice)) in enumerate(speakers):
        folder = base / "test-clean" / speaker / chapter
        lines = []
        for utt in range(per_speaker):
            sentence = LIBRISPEECH_SENTENCES[index * per_speaker + utt]
            utt_id = f"{speaker}-{chapter}-{utt:04d}"
            write_audio(folder / f"{utt_id}.flac", speak(sentence, Voice(voice)), "FLAC")
            lines.append(f"{utt_id} {sentence.upper()}")
        (folder / f"{speaker}-{chapter}.trans.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    header = "; isac mini corpus: synthetic speakers (espeak-ng), not real LibriSpeech readers\n"
    header += ";ID  |SEX| SUBSET           |MINUTES| NAME\n"
    rows = [
        f"{spk:<5}| {sex} | test-clean       | 0.10 | isac synthetic {voice}"
        for spk, (sex, voice) in speakers
    ]
    (base / "SPEAKERS.TXT").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")


def make_covost2(root: Path) -> None:
    """CoVoST2/covost_v2.en_zh-CN.tsv over clips in CoVoST2/clips/ (wav instead of Common Voice mp3)."""
    base = root / "CoVoST2"
    rows = [("path", "sentence", "translation", "client_id", "split")]
    for index, (sentence, translation) in enumerate(COVOST_PAIRS):
        name = f"common_voice_en_isac{index:04d}.wav"
        voice = Voice(COVOST_VOICES[index % len(COVOST_VOICES)])
        write_audio(base / "clips" / name, speak(sentence, voice), "WAV")
        rows.append((name, sentence, translation, f"isac-speaker-{index % 4}", "test"))
    # A train row without audio: the adapter must keep only the test split.
    rows.append(
        ("common_voice_en_isac9999.wav", "This row belongs to train.", "这一行属于训练集。", "x", "train")
    )
    with (base / "covost_v2.en_zh-CN.tsv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_NONE, lineterminator="\n")
        writer.writerows(rows)


def make_iemocap(root: Path) -> None:
    """IEMOCAP_full_release/Session5 with wav utterances, EmoEvaluation and transcriptions per dialog."""
    session = root / "IEMOCAP_full_release" / "Session5"
    dialogs: dict[str, list[tuple[str, str, str]]] = {}
    for dialog, suffix, code, text in IEMOCAP_UTTERANCES:
        dialogs.setdefault(dialog, []).append((suffix, code, text))
    for dialog, utterances in dialogs.items():
        evaluation = ["% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]", ""]
        transcript = []
        clock = 1.0
        for suffix, code, text in utterances:
            utt_id = f"{dialog}_{suffix}"
            pitch, speed, amplitude = EMOTION_VOICES[code]
            voice_name = "en-us+f3" if suffix.startswith("F") else "en-us+m3"
            samples = speak(text, Voice(voice_name, pitch, speed, amplitude))
            write_audio(session / "sentences" / "wav" / dialog / f"{utt_id}.wav", samples, "WAV")
            start, end = clock, clock + samples.size / RATE
            clock = end + 0.5
            evaluation.append(f"[{start:.4f} - {end:.4f}]\t{utt_id}\t{code}\t[2.5000, 2.5000, 2.5000]")
            evaluation.append(f"C-E1:\t{code};\t()")
            evaluation.append("")
            transcript.append(f"{utt_id} [{start:08.4f}-{end:08.4f}]: {text}")
        eval_dir = session / "dialog" / "EmoEvaluation"
        trans_dir = session / "dialog" / "transcriptions"
        eval_dir.mkdir(parents=True, exist_ok=True)
        trans_dir.mkdir(parents=True, exist_ok=True)
        (eval_dir / f"{dialog}.txt").write_text("\n".join(evaluation) + "\n", encoding="utf-8")
        (trans_dir / f"{dialog}.txt").write_text("\n".join(transcript) + "\n", encoding="utf-8")


def make_audiocaps(root: Path) -> None:
    """AudioCaps/test.csv with five captions per clip and AudioCaps/audio/test/Y<id>.wav."""
    base = root / "AudioCaps"
    rows = [("audiocap_id", "youtube_id", "start_time", "caption")]
    caption_id = 900_000
    for seed, (youtube_id, kind, captions) in enumerate(AUDIOCAPS_CLIPS):
        write_audio(base / "audio" / "test" / f"Y{youtube_id}.wav", scene(kind, seed), "WAV")
        for caption in captions:
            caption_id += 1
            rows.append((str(caption_id), youtube_id, "0", caption))
    base.mkdir(parents=True, exist_ok=True)
    with (base / "test.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def make_training_split(root: Path) -> None:
    """The small training split (see the module docstring); leaves every test-split file untouched."""
    folder_base = root / "LibriSpeech" / "train-clean-100"
    speakers = list(LIBRISPEECH_SPEAKERS.items())
    per_speaker = len(LIBRISPEECH_TRAIN_SENTENCES) // len(speakers)
    chapter = LIBRISPEECH_TRAIN_CHAPTER
    for index, (speaker, (_, voice)) in enumerate(speakers):
        folder = folder_base / speaker / chapter
        lines = []
        for utt in range(per_speaker):
            sentence = LIBRISPEECH_TRAIN_SENTENCES[index * per_speaker + utt]
            utt_id = f"{speaker}-{chapter}-{utt:04d}"
            write_audio(folder / f"{utt_id}.flac", speak(sentence, Voice(voice)), "FLAC")
            lines.append(f"{utt_id} {sentence.upper()}")
        (folder / f"{speaker}-{chapter}.trans.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")

    covost = root / "CoVoST2"
    rows = [("path", "sentence", "translation", "client_id", "split")]
    for index, (sentence, translation) in enumerate(COVOST_TRAIN_PAIRS):
        name = f"common_voice_en_isactrain{index:04d}.wav"
        voice = Voice(COVOST_VOICES[index % len(COVOST_VOICES)])
        write_audio(covost / "clips" / name, speak(sentence, voice), "WAV")
        rows.append((name, sentence, translation, f"isac-train-speaker-{index % 4}", "train"))
    with (covost / "covost_v2.en_zh-CN.train.tsv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_NONE, lineterminator="\n")
        writer.writerows(rows)

    dialogs: dict[tuple[int, str], list[tuple[str, str, str]]] = {}
    for session_number, dialog, suffix, code, text in IEMOCAP_TRAIN_UTTERANCES:
        dialogs.setdefault((session_number, dialog), []).append((suffix, code, text))
    for (session_number, dialog), utterances in dialogs.items():
        session = root / "IEMOCAP_full_release" / f"Session{session_number}"
        evaluation = ["% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]", ""]
        transcript = []
        clock = 1.0
        for suffix, code, text in utterances:
            utt_id = f"{dialog}_{suffix}"
            pitch, speed, amplitude = EMOTION_VOICES[code]
            voice_name = "en-us+f2" if suffix.startswith("F") else "en-us+m1"
            samples = speak(text, Voice(voice_name, pitch, speed, amplitude))
            write_audio(session / "sentences" / "wav" / dialog / f"{utt_id}.wav", samples, "WAV")
            start, end = clock, clock + samples.size / RATE
            clock = end + 0.5
            evaluation.append(f"[{start:.4f} - {end:.4f}]\t{utt_id}\t{code}\t[2.5000, 2.5000, 2.5000]")
            evaluation.append("")
            transcript.append(f"{utt_id} [{start:08.4f}-{end:08.4f}]: {text}")
        for folder, lines in (("EmoEvaluation", evaluation), ("transcriptions", transcript)):
            target = session / "dialog" / folder
            target.mkdir(parents=True, exist_ok=True)
            (target / f"{dialog}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")

    audiocaps = root / "AudioCaps"
    rows = [("audiocap_id", "youtube_id", "start_time", "caption")]
    for offset, (youtube_id, kind, caption) in enumerate(AUDIOCAPS_TRAIN_CLIPS):
        clip = scene(kind, 100 + offset, seconds=2.0)
        write_audio(audiocaps / "audio" / "train" / f"Y{youtube_id}.wav", clip, "WAV")
        rows.append((str(800_001 + offset), youtube_id, "0", caption))
    with (audiocaps / "train.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "data" / "mini")
    args = parser.parse_args()
    if shutil.which("espeak-ng") is None:
        raise SystemExit("espeak-ng is needed: apt-get install espeak-ng")
    if args.out.exists():
        shutil.rmtree(args.out)
    for make in (make_librispeech, make_covost2, make_iemocap, make_audiocaps, make_training_split):
        make(args.out)
    files = sorted(path for path in args.out.rglob("*") if path.is_file())
    total = sum(path.stat().st_size for path in files)
    print(f"wrote {len(files)} files, {total / 1e6:.2f} MB under {args.out}")


if __name__ == "__main__":
    main()
