namespace Fluxion.Plot

open System
open System.Diagnostics
open System.IO
open Plotly.NET

/// PNG screenshots and DOM dumps of HTML pages through headless Chromium (Debian package "chromium").
module PngExport =

    /// Where Debian's chromium package installs the browser.
    [<Literal>]
    let chromiumPath = "/usr/bin/chromium"

    /// Whether the browser is installed at chromiumPath.
    let isAvailable () : bool = File.Exists chromiumPath

    /// Seconds a single browser run may take before it is killed.
    [<Literal>]
    let timeoutSeconds = 120

    let private requireBrowser (fn: string) (chromium: string) =
        if not (File.Exists chromium) then
            raise (FileNotFoundException(
                    sprintf "PngExport.%s: headless Chromium was not found at '%s'. Install the Debian package 'chromium' (apt-get install -y chromium) to export PNG images."
                        fn chromium, chromium))

    let private requirePage (fn: string) (htmlPath: string) =
        if String.IsNullOrWhiteSpace htmlPath || not (File.Exists htmlPath) then
            raise (ArgumentException(sprintf "PngExport.%s: HTML file '%s' does not exist" fn htmlPath))

    /// Runs the browser headless on the page with the fixed safety flags plus extra arguments; returns (stdout, stderr).
    let runLogged (chromium: string) (extraArgs: string list) (htmlPath: string) : string * string =
        requireBrowser "run" chromium
        requirePage "run" htmlPath
        let profile = Directory.CreateTempSubdirectory("fluxion-chromium-")
        try
            let psi = ProcessStartInfo(chromium)
            for a in [ "--headless"; "--no-sandbox"; "--disable-gpu"; "--disable-background-networking"
                       "--disable-component-update"; "--disable-sync"; "--no-first-run"; "--disable-quic"
                       "--disable-dev-shm-usage"; "--hide-scrollbars"
                       "--user-data-dir=" + profile.FullName ] do
                psi.ArgumentList.Add a
            for a in extraArgs do psi.ArgumentList.Add a
            psi.ArgumentList.Add(Uri(Path.GetFullPath htmlPath).AbsoluteUri)
            psi.RedirectStandardOutput <- true
            psi.RedirectStandardError <- true
            psi.UseShellExecute <- false
            use p = Process.Start psi
            let out = p.StandardOutput.ReadToEndAsync()
            let err = p.StandardError.ReadToEndAsync()
            if not (p.WaitForExit(timeoutSeconds * 1000)) then
                p.Kill true
                raise (TimeoutException(sprintf "PngExport.run: %s did not finish within %d s on '%s'" chromium timeoutSeconds htmlPath))
            p.WaitForExit()
            if p.ExitCode <> 0 then
                let e = err.Result
                let tail = if e.Length > 2000 then e.Substring(e.Length - 2000) else e
                raise (InvalidOperationException(sprintf "PngExport.run: %s exited with code %d on '%s': %s" chromium p.ExitCode htmlPath tail))
            out.Result, err.Result
        finally
            try profile.Delete true with _ -> ()

    /// Runs the browser headless on the page with the fixed safety flags plus extra arguments; returns its standard output.
    let runWith (chromium: string) (extraArgs: string list) (htmlPath: string) : string =
        fst (runLogged chromium extraArgs htmlPath)

    let private checkSize (fn: string) (width: int) (height: int) =
        if width < 16 || height < 16 || width > 8192 || height > 8192 then
            raise (ArgumentException(sprintf "PngExport.%s: window %dx%d must be between 16 and 8192 pixels each way" fn width height))

    /// Screenshots the page (window width×height, scripts given 5 s of virtual time) into a PNG file, with the given browser.
    let screenshotHtmlWith (chromium: string) (htmlPath: string) (pngPath: string) (width: int) (height: int) : unit =
        checkSize "screenshotHtml" width height
        let full = Path.GetFullPath pngPath
        Directory.CreateDirectory(Path.GetDirectoryName full) |> ignore
        if File.Exists full then File.Delete full
        runWith chromium [ "--screenshot=" + full; sprintf "--window-size=%d,%d" width height
                           "--virtual-time-budget=5000" ] htmlPath |> ignore
        if not (File.Exists full) then
            raise (InvalidOperationException(sprintf "PngExport.screenshotHtml: %s ran but wrote no '%s'" chromium full))

    /// Screenshots the page into a PNG file with /usr/bin/chromium.
    let screenshotHtml (htmlPath: string) (pngPath: string) (width: int) (height: int) : unit =
        screenshotHtmlWith chromiumPath htmlPath pngPath width height

    /// Renders one chart to a PNG file of width×height pixels with /usr/bin/chromium.
    let saveChart (pngPath: string) (width: int) (height: int) (chart: GenericChart) : unit =
        requireBrowser "saveChart" chromiumPath
        let html = Path.Combine(Path.GetTempPath(), sprintf "fluxion-figure-%s.html" (Guid.NewGuid().ToString("N")))
        try
            Report.saveFigure html chart
            screenshotHtml html pngPath width height
        finally
            try File.Delete html with _ -> ()

    /// The page's DOM after its scripts ran (5 s of virtual time), with /usr/bin/chromium.
    let dumpDom (htmlPath: string) : string =
        runWith chromiumPath [ "--dump-dom"; "--virtual-time-budget=5000" ] htmlPath
