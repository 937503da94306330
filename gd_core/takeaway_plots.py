"""The exported run's plots (see ``gd_core.takeaway_code``): the loss per epoch and the fit, in Plotly.

Code text only: nothing here imports plotly (the exported code does, and says so when it is missing).
A notebook shows the figures; the script writes them into one offline HTML file.
"""

from __future__ import annotations

LOSS_PLOT = """\
loss_fig = go.Figure(go.Scatter(x=np.arange(len(losses)), y=losses, mode="lines", name="training MSE"))
loss_fig.update_layout(title="Training loss per epoch", xaxis_title="epoch", yaxis_title="MSE",
                       yaxis_type="log")
"""
LINE_PLOT = """\
ends = np.array([x_train[:, 0].min(), x_train[:, 0].max()])
fit_fig = go.Figure([
    go.Scattergl(x=x_train[:, 0], y=y_train, mode="markers", name="training days",
                 marker={"size": 3, "opacity": 0.4}),
    go.Scatter(x=ends, y=ends * w_final[0] + b_final, mode="lines", name="fitted line")])
fit_fig.update_layout(title="The fit on the training days", xaxis_title=PREDICTORS[0], yaxis_title=TARGET)
"""
PREDICTED_PLOT = """\
predicted = x_test @ w_final + b_final
ends = np.array([y_test.min(), y_test.max()])
fit_fig = go.Figure([
    go.Scattergl(x=y_test, y=predicted, mode="markers", name="test days",
                 marker={"size": 3, "opacity": 0.4}),
    go.Scatter(x=ends, y=ends, mode="lines", name="perfect prediction")])
fit_fig.update_layout(title="Predicted against actual on the test days", xaxis_title="actual " + TARGET,
                      yaxis_title="predicted " + TARGET)
"""
SHOW = """\
loss_fig.show()
fit_fig.show()"""
SAVE = """\
with open("descent-plots.html", "w", encoding="utf-8") as page:
    page.write("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Descent Lab</title></head><body>")
    page.write(loss_fig.to_html(full_html=False, include_plotlyjs=True))
    page.write(fit_fig.to_html(full_html=False, include_plotlyjs=False))
    page.write("</body></html>")
print("plots saved to descent-plots.html")"""
IMPORT_PLOTLY = """\
try:
    import plotly.graph_objects as go
except ImportError:
    go = None
    print("plotly is not installed (pip install plotly): no plots")
if go is not None:
"""




def plot_code(*, one: bool, script: bool) -> str:
    """The plot cell: the fitted line for one predictor, predicted against actual for several."""
    body = LOSS_PLOT + (LINE_PLOT if one else PREDICTED_PLOT) + (SAVE if script else SHOW)
    indented = "\n".join(("    " + line) if line else "" for line in body.splitlines())
    return IMPORT_PLOTLY + indented
