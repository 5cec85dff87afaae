/// Running dotnet commands from the tests: the repository's location, the build configuration, child processes.
module Processes

open System
open System.Diagnostics
open System.IO

/// The repository root: the first folder above the test binary that holds Fluxion.sln.
let repoRoot =
    let rec up (d: DirectoryInfo) =
        if isNull d then failwith "Fluxion.sln not found above the test binary"
        elif File.Exists(Path.Combine(d.FullName, "Fluxion.sln")) then d.FullName
        else up d.Parent
    up (DirectoryInfo AppContext.BaseDirectory)

/// The configuration this test binary was built in (bin/<configuration>/net10.0), which the libraries share.
let configuration = DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent.Name

/// The dotnet host running this test, else `dotnet` from PATH.
let dotnetHost () =
    match Environment.ProcessPath with
    | p when not (isNull p) && Path.GetFileNameWithoutExtension p = "dotnet" -> p
    | _ -> "dotnet"

/// The result of a finished process.
type Run = { ExitCode: int; Out: string; Err: string }

/// Runs `dotnet args` in a folder and returns its exit code and output; fails after `minutes`.
/// MSBuild's reusable nodes are off so that no helper process outlives the command holding its pipes.
let dotnet (workDir: string) (minutes: float) (args: string list) : Run =
    let psi = ProcessStartInfo(dotnetHost (), WorkingDirectory = workDir, RedirectStandardOutput = true,
                               RedirectStandardError = true, UseShellExecute = false)
    for a in args do psi.ArgumentList.Add a
    for k, v in [ "DOTNET_CLI_TELEMETRY_OPTOUT", "1"; "DOTNET_NOLOGO", "1"; "DOTNET_SKIP_FIRST_TIME_EXPERIENCE", "1"
                  "MSBUILDDISABLENODEREUSE", "1"; "DOTNET_CLI_USE_MSBUILD_SERVER", "0" ] do
        psi.Environment[k] <- v
    use p = Process.Start psi
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()
    let command = "dotnet " + String.Join(" ", args)
    if not (p.WaitForExit(TimeSpan.FromMinutes minutes)) then
        p.Kill true
        failwithf "%s did not finish within %g minutes" command minutes
    if not (out.Wait(TimeSpan.FromSeconds 30.0) && err.Wait(TimeSpan.FromSeconds 30.0)) then
        failwithf "%s exited but its output did not close" command
    { ExitCode = p.ExitCode; Out = out.Result.Replace("\r\n", "\n"); Err = err.Result.Replace("\r\n", "\n") }

/// Runs `dotnet args` and fails with its output unless it exits with 0.
let dotnetOk (workDir: string) (minutes: float) (args: string list) : string =
    let r = dotnet workDir minutes args
    if r.ExitCode <> 0 then
        failwithf "dotnet %s exited with %d\n--- stdout:\n%s\n--- stderr:\n%s" (String.Join(" ", args)) r.ExitCode r.Out r.Err
    r.Out

/// A fresh folder under the system's temp folder, deleted after `body`.
let withTempDir (prefix: string) (body: string -> 'a) : 'a =
    let dir = Path.Combine(Path.GetTempPath(), sprintf "%s-%s" prefix (Guid.NewGuid().ToString("N").Substring(0, 12)))
    Directory.CreateDirectory dir |> ignore
    try body dir
    finally
        try Directory.Delete(dir, true) with _ -> ()
