"""One small file per service added in issue 23, each in that service's own layout: its header names,
units, preamble, flags and missing-value codes as the service writes them. Values are made up but
plausible; the tests check spot values. Each writer takes a folder and returns the path it wrote.
"""

from __future__ import annotations

from pathlib import Path


def _write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = Path(folder) / name
    path.write_bytes(text.encode(encoding))
    return path


WU_HEADER = ("Date,TempHighF,TempAvgF,TempLowF,DewPointHighF,DewPointAvgF,DewPointLowF,HumidityHighPercent,"
             "HumidityAvgPercent,HumidityLowPercent,SeaLevelPressureHighInches,SeaLevelPressureAvgInches,"
             "SeaLevelPressureLowInches,VisibilityHighMiles,VisibilityAvgMiles,VisibilityLowMiles,WindHighMPH,"
             "WindAvgMPH,WindGustMPH,PrecipitationSumInches,Events")


def wunderground_history(folder: Path) -> Path:
    """Weather Underground's daily history export (°F, inches): 'T' = trace, '-' = no value, an Events
    column quoted when it lists several events."""
    rows = [WU_HEADER]
    for day in range(1, 31):
        high, low = 60 + day % 9, 41 + day % 7
        precip = {3: "T", 7: "0.46", 8: "-", 12: "T", 20: "1.02"}.get(day, "0")
        events = {7: '"Rain , Thunderstorm"', 20: "Rain"}.get(day, " ")
        dew = "-" if day == 15 else f"{low - 5}"
        rows.append(f"2013-12-{day:02d},{high},{(high + low) // 2},{low},{dew},{low - 8},{low - 12},93,75,57,"
                    f"29.86,29.68,29.59,10,7,2,20,4,31,{precip},{events}")
    return _write(folder, "austin_weather.csv", "\n".join(rows) + "\n")


def met_eireann(folder: Path) -> Path:
    """Met Éireann's daily station file (dly<id>.csv): station preamble, a legend, then
    'date,ind,maxtp,ind,mintp,...' with an indicator column before each value, dates '01-jan-1962',
    blank cells for missing values."""
    preamble = ("Station Name: CORK AIRPORT\nStation Height: 155 M \n"
                "Latitude:51.847  ,Longitude: -8.486\n\n\n"
                "date:  -  00 to 00 utc\nrain:  -  Precipitation Amount (mm)\n"
                "maxtp: -  Maximum Air Temperature (C)\t  \nmintp: -  Minimum  Air Temperature (C)\n"
                "gmin:  -  09utc Grass Minimum Temperature (C)\nsoil:  -  Mean 10cm soil temperature (C)\n"
                "ind:   -  Indicator\n\n")
    header = "date,ind,maxtp,ind,mintp,igmin,gmin,ind,rain,cbl,wdsp,ind,hm,ind,ddhm,ind,hg,soil"
    rows = [header]
    for day in range(1, 31):
        maxtp = "" if day == 9 else f"{8 + day % 5}.{day % 10}"
        mintp = f"{1 + day % 4}.{(day * 3) % 10}"
        rain = {4: "12.7", 5: "0.0", 11: "3.1"}.get(day, f"0.{day % 3}")
        rain_indicator = 2 if day == 5 else 0
        rows.append(f"{day:02d}-jan-1962,0,{maxtp},0,{mintp},0,{-2 + day % 3}.5,{rain_indicator},{rain},"
                    f"1016.1,7.2,2,15,2,250,2,27,5.325")
    return _write(folder, "dly3904.csv", preamble + "\n".join(rows) + "\n")


KNMI_PREAMBLE = """\
# BRON: KONINKLIJK NEDERLANDS METEOROLOGISCH INSTITUUT (KNMI)
# Opmerking: door stationsverplaatsingen en veranderingen in waarneemmethodieken zijn deze tijdreeksen \
van dagwaarden mogelijk inhomogeen! Dat betekent dat deze reeks van gemeten waarden niet geschikt is voor \
trendanalyse.
#
# SOURCE: ROYAL NETHERLANDS METEOROLOGICAL INSTITUTE (KNMI)
# Comment: These time series are inhomogeneous because of station relocations and changes in observation \
techniques. As a result, these series are not suitable for trend analysis.
#
# STN         LON(east)   LAT(north)  ALT(m)      NAME
# 260         5.180       52.100      1.90        De Bilt
#
# YYYYMMDD  : Date (YYYY=year MM=month DD=day) / Datum (YYYY=jaar MM=maand DD=dag)
# TN        : Minimum temperature (in 0.1 degrees Celsius) / Minimum temperatuur (in 0.1 graden Celsius)
# TX        : Maximum temperature (in 0.1 degrees Celsius) / Maximum temperatuur (in 0.1 graden Celsius)
# RH        : Daily precipitation amount (in 0.1 mm) (-1 for <0.05 mm) / Etmaalsom van de neerslag \
(in 0.1 mm) (-1 voor <0.05 mm)
#
# STN,YYYYMMDD,   TN,   TX,   RH
"""


def knmi(folder: Path) -> Path:
    """KNMI daily data from its download script: '#' comment header naming units (0.1 °C, 0.1 mm,
    -1 = under 0.05 mm), the column line itself behind '#', values right-aligned, blank = missing."""
    rows = []
    for day in range(1, 32):
        tn, tx = -31 + 7 * (day % 6), 10 + 9 * (day % 7)
        rh = {2: "-1", 5: "24", 6: "-1", 10: "153", 17: "    "}.get(day, "    0")
        tx_text = "     " if day == 13 else f"{tx:5d}"
        rows.append(f"  260,202301{day:02d},{tn:5d},{tx_text},{rh:>5}")
    return _write(folder, "etmgeg_260.txt", KNMI_PREAMBLE + "\n".join(rows) + "\n")


NASA_PREAMBLE = """\
-BEGIN HEADER-
NASA/POWER CERES/MERRA2 Native Resolution Daily Data
Dates (month/day/year): 01/01/2020 through 02/09/2020
Location: Latitude  52.0900   Longitude 5.1200
Elevation from MERRA-2: Average for 0.5 x 0.625 degree lat/lon region = 2.73 meters
The value for missing source data that cannot be computed or is outside of the sources availability \
range: -999
Parameter(s):
T2M_MAX     MERRA-2 Temperature at 2 Meters Maximum (C)
T2M_MIN     MERRA-2 Temperature at 2 Meters Minimum (C)
PRECTOTCORR MERRA-2 Precipitation Corrected (mm/day)
-END HEADER-
YEAR,DOY,T2M_MAX,T2M_MIN,PRECTOTCORR
"""


def nasa_power(folder: Path) -> Path:
    """NASA POWER daily point CSV: the -BEGIN HEADER- ... -END HEADER- block, YEAR and DOY, -999 missing."""
    rows = []
    for doy in range(1, 41):
        tmax = "-999" if doy == 12 else f"{6 + (doy % 8) * 0.45:.2f}"
        rows.append(f"2020,{doy},{tmax},{1 + (doy % 5) * 0.3:.2f},{(doy % 4) * 0.61:.2f}")
    return _write(folder, "POWER_Point_Daily_20200101_20200209_052d09N_005d12E_LST.csv",
                  NASA_PREAMBLE + "\n".join(rows) + "\n")


def _dly_line(station: str, year: int, month: int, element: str, values: dict) -> str:
    """One .dly line: ID, YEAR, MONTH, ELEMENT, then 31 × (VALUE 5, MFLAG, QFLAG, SFLAG)."""
    slots = []
    for day in range(1, 32):
        value, mflag, qflag = values.get(day, (-9999, " ", " "))
        sflag = " " if value == -9999 else "0"
        slots.append(f"{value:5d}{mflag}{qflag}{sflag}")
    return f"{station}{year:04d}{month:02d}{element}" + "".join(slots)


def ghcn_dly(folder: Path) -> Path:
    """GHCN-Daily .dly: two stations; TMAX/TMIN/PRCP in tenths, SNOW too (not read); -9999 on days a
    month lacks and on one missing day; a QFLAG 'I' (failed internal consistency); a trace (MFLAG T)."""
    lines = []
    for station, months in (("USW00094728", ((2020, 1), (2020, 2))), ("USC00305801", ((2020, 1),))):
        for year, month in months:
            last = 31 if month == 1 else 29
            tmax = {d: (50 + 7 * (d % 5), " ", " ") for d in range(1, last + 1)}
            tmin = {d: (-20 + 5 * (d % 4), " ", " ") for d in range(1, last + 1)}
            prcp = {d: (13 * (d % 3), " ", " ") for d in range(1, last + 1)}
            if (station, month) == ("USW00094728", 1):
                tmax[4] = (283, " ", "I")  # 28.3 °C in January in New York: failed QC
                prcp[6] = (0, "T", " ")  # trace
                del tmin[9]  # -9999
            lines += [_dly_line(station, year, month, "TMAX", tmax),
                      _dly_line(station, year, month, "TMIN", tmin),
                      _dly_line(station, year, month, "PRCP", prcp),
                      _dly_line(station, year, month, "SNOW", {d: (0, " ", " ") for d in range(1, last + 1)})]
    return _write(folder, "USW00094728.dly", "\n".join(lines) + "\n")


WIDE_VARIABLES = ("cloud_cover", "humidity", "pressure", "global_radiation", "precipitation", "sunshine",
                  "temp_mean", "temp_min", "temp_max")


def wide_places(folder: Path) -> Path:
    """The wide layout of the European 'weather prediction dataset': DATE (YYYYMMDD), MONTH, then one group
    of columns per place (BASEL_temp_max, BUDAPEST_temp_max, DE_BILT_temp_max, ...); °C, precipitation
    in cm (10 mm). BUDAPEST has no cloud_cover column, as in the real file."""
    places = ("BASEL", "BUDAPEST", "DE_BILT")
    names = ["DATE", "MONTH"] + [f"{p}_{v}" for p in places for v in WIDE_VARIABLES
                                 if not (p == "BUDAPEST" and v == "cloud_cover")]
    rows = [",".join(names)]
    for day in range(1, 31):
        cells = [f"200001{day:02d}", "1"]
        for k, place in enumerate(places):
            tmax = 3.9 + k * 2 + (day % 4) * 0.5
            values = {"cloud_cover": "8", "humidity": "0.89", "pressure": "1.0286",
                      "global_radiation": "0.20",
                      "precipitation": f"{(day % 3) * 0.03 + k * 0.01:.2f}", "sunshine": "0",
                      "temp_mean": f"{tmax - 1.3:.1f}", "temp_min": f"{tmax - 2.3:.1f}",
                      "temp_max": f"{tmax:.1f}"}
            cells += [values[v] for v in WIDE_VARIABLES if not (place == "BUDAPEST" and v == "cloud_cover")]
        rows.append(",".join(cells))
    return _write(folder, "weather_prediction_dataset.csv", "\n".join(rows) + "\n")


SERVICE_FIXTURES = {f.__name__: f for f in (wunderground_history, met_eireann, knmi, nasa_power, ghcn_dly,
                                            wide_places)}
