#!/usr/bin/python3
"""`npm run train:sensor`: both sensor models, from scratch, deterministically.

    models/sensor/vibration.tinyrnn     models/train/vibration.py (machine condition, synthetic vibration)
    models/sensor/ecg-anomaly/          models/train/ecg.py (beat anomaly score, synthetic ECG; tested on record 208)

Each writes its .tinyrnn (int8), test set, card.json and, under build/sensor/, the f32 twin,
safetensors, metadata, calibration data, the convert report and a summary of the figures that
the model cards (models/sensor/README.md, models/sensor/ecg-anomaly/README.md) quote.
`/usr/bin/python3 models/train/sensor.py cards` re-renders the cards from those summaries;
`... sensor.py vibration` or `... ecg` runs one recipe.
"""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vibration, ecg  # noqa: E402

if __name__ == "__main__":
    if sys.argv[1:] == ["cards"]:  # re-render the model cards from the last run's build/sensor/*.summary.json
        import json
        vibration.write_card(json.load(open(os.path.join(vibration.WORK, "vibration.summary.json"))))
        ecg.write_card(json.load(open(os.path.join(ecg.WORK, "ecg-anomaly.summary.json"))))
        sys.exit(0)
    which = sys.argv[1:] or ["vibration", "ecg"]
    if "vibration" in which:
        vibration.main()
    if "ecg" in which:
        ecg.main()
