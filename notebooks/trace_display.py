"""Prints the raw Jupyter display messages of a few C# cells on the .NET Interactive kernel (the local tool).

Shows which display APIs keep the transient display_id between a display_data and its update_display_data
(a client such as nbclient or JupyterLab updates an output in place only when the ids match).
Usage, from the repository root after `dotnet tool restore`: /usr/bin/python3 notebooks/trace_display.py
"""
import json
import os
import shutil
import sys
import tempfile

from jupyter_client.manager import start_new_kernel

CELLS = [
    # What Kernel.display returns (it calls object.Display()).
    'var a = Microsoft.DotNet.Interactive.Kernel.display(HTML("<b>A0</b>"), "text/html"); a.Update(HTML("<b>A1</b>"));',
    'var b = HTML("<b>B0</b>").Display("text/html"); b.Update(HTML("<b>B1</b>"));',
    # What Fluxion.Interactive's LiveProgress uses.
    'using Microsoft.DotNet.Interactive;'
    ' var c = KernelInvocationContext.Current.Display(HTML("<b>C0</b>"), "text/html"); c.Update(HTML("<b>C1</b>"));',
    'c.Update(HTML("<b>C2, from a later cell</b>"));',
]


def main():
    root = tempfile.mkdtemp(prefix="fluxion-trace-")
    spec = os.path.join(root, "kernels", "trace-csharp")
    os.makedirs(spec)
    with open(os.path.join(spec, "kernel.json"), "w") as f:
        json.dump({"argv": ["dotnet", "tool", "run", "dotnet-interactive", "--", "jupyter", "--default-kernel", "csharp",
                            "--http-local-only", "{connection_file}"],
                   "display_name": "trace", "language": "csharp"}, f)
    os.environ["JUPYTER_PATH"] = root
    os.environ.setdefault("Logging__LogLevel__Default", "Warning")
    km, kc = start_new_kernel(kernel_name="trace-csharp", startup_timeout=180)
    try:
        for code in CELLS:
            print(f"--- {code}")
            msg_id = kc.execute(code)
            while True:
                m = kc.get_iopub_msg(timeout=120)
                if m["parent_header"].get("msg_id") != msg_id:
                    continue
                kind, content = m["msg_type"], m["content"]
                if kind in ("display_data", "update_display_data"):
                    html = content.get("data", {}).get("text/html", "")
                    if "dotnet-interactive-this-cell" not in html:
                        print(f"{kind:20} display_id={content.get('transient', {}).get('display_id')} {html}")
                elif kind == "stream" and content["name"] == "stderr" and " error " in content["text"]:
                    print("stderr", content["text"].strip())
                elif kind == "error":
                    print("error", content.get("ename"), content.get("evalue"))
                elif kind == "status" and content["execution_state"] == "idle":
                    break
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        # Dropped here, not at interpreter exit, where the client's destructor finds logging already gone.
        del kc, km
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
