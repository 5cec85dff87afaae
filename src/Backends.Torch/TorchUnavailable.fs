namespace Fluxion.Backends.Torch

open System
open System.IO
open System.Text

/// Raised when libtorch cannot be loaded; the message says why and what to do instead.
type TorchBackendUnavailableException(message: string, inner: exn) =
    inherit Exception(message, inner)

/// Why libtorch did not load: C++ runtime versions and native files, read without loading anything.
module TorchDiagnosis =
    /// The GLIBCXX version TorchSharp 0.107's libLibTorchSharp.so is linked against (GCC 13's libstdc++).
    let requiredGlibcxx = (3, 4, 32)

    /// Places where distributions keep the system libstdc++.
    let libstdcxxCandidates =
        [| "/usr/lib/x86_64-linux-gnu/libstdc++.so.6"; "/lib/x86_64-linux-gnu/libstdc++.so.6"
           "/usr/lib64/libstdc++.so.6"; "/usr/lib/libstdc++.so.6" |]

    /// `GLIBCXX_a.b.c` formatted from a version triple.
    let glibcxxName ((a, b, c): int * int * int) = sprintf "GLIBCXX_%d.%d.%d" a b c

    /// Every `GLIBCXX_a.b[.c]` version string found in a binary's bytes, distinct and ascending.
    let glibcxxVersionsOf (bytes: byte[]) : (int * int * int)[] =
        let tag = Encoding.ASCII.GetBytes "GLIBCXX_"
        let found = Collections.Generic.HashSet<int * int * int>()
        let span = ReadOnlySpan<byte>(bytes)
        let mutable pos = 0
        let mutable go = true
        while go do
            let i = span.Slice(pos).IndexOf(ReadOnlySpan<byte>(tag))
            if i < 0 then go <- false
            else
                let start = pos + i + tag.Length
                let mutable j = start
                while j < bytes.Length && (bytes.[j] = byte '.' || (bytes.[j] >= byte '0' && bytes.[j] <= byte '9')) do j <- j + 1
                let parts = Encoding.ASCII.GetString(bytes, start, j - start).Split('.', StringSplitOptions.RemoveEmptyEntries)
                if parts.Length >= 2 && parts.Length <= 3 then
                    let p k = if k < parts.Length then int parts.[k] else 0
                    found.Add((p 0, p 1, p 2)) |> ignore
                pos <- max j (start)
        let r = Seq.toArray found
        Array.sortInPlace r
        r

    /// The highest GLIBCXX version a library file provides, if it can be read.
    let highestGlibcxxIn (path: string) : (int * int * int) option =
        if File.Exists path then
            let v = glibcxxVersionsOf (File.ReadAllBytes path)
            if v.Length = 0 then None else Some v.[v.Length - 1]
        else None

    /// The first system libstdc++ found and its highest GLIBCXX version.
    let systemLibstdcxx () : (string * (int * int * int)) option =
        libstdcxxCandidates |> Array.tryPick (fun p -> highestGlibcxxIn p |> Option.map (fun v -> p, v))

    /// The first existing file of that name among the native search folders, if any.
    let findNative (folders: string[]) (fileName: string) : string option =
        folders |> Array.map (fun d -> Path.Combine(d, fileName)) |> Array.tryFind File.Exists

    /// Folders where .NET places NuGet natives for this process.
    let nativeFolders () : string[] =
        let b = AppContext.BaseDirectory
        let asm = Path.GetDirectoryName(typeof<TorchBackendUnavailableException>.Assembly.Location)
        [| b; Path.Combine(b, "runtimes", "linux-x64", "native")
           (if String.IsNullOrEmpty asm then b else asm)
           (if String.IsNullOrEmpty asm then b else Path.Combine(asm, "runtimes", "linux-x64", "native")) |]

    let private advice =
        "What to do: use the managed backend (Backends.select Managed, or FLUXION_BACKEND=managed), which needs no native code; "
        + "or run on a system with GCC 13's libstdc++ or newer (Debian 13, Ubuntu 24.04 or later, Windows, macOS), "
        + "for example inside the Debian 13 root that .ci/torch-root.sh builds."

    let private head = "Fluxion's Torch backend is unavailable: libtorch (TorchSharp 0.107.0, libtorch 2.10.0) could not be loaded."

    /// What on disk keeps libtorch from loading (missing natives, too old a libstdc++), or None when nothing is seen.
    let problemWith (folders: string[]) (libstdcxx: (string * (int * int * int)) option) : string option =
        let bridge = findNative folders "libLibTorchSharp.so"
        let torchCpu = findNative folders "libtorch_cpu.so"
        match bridge, torchCpu with
        | None, _ ->
            Some(" The native library libLibTorchSharp.so of the TorchSharp package is missing next to the application "
                 + sprintf "(looked in %s)." (String.Join(", ", Array.distinct folders)))
        | _, None ->
            Some(" The native package libtorch-cpu-linux-x64 (libtorch_cpu.so) is missing: reference the PackageReference "
                 + "libtorch-cpu-linux-x64 2.10.0 (Fluxion.Backends.Torch does) and do not trim runtimes/linux-x64/native.")
        | Some bridgePath, Some _ ->
            let needed =
                match highestGlibcxxIn bridgePath with
                | Some v when v > requiredGlibcxx -> v
                | _ -> requiredGlibcxx
            match libstdcxx with
            | Some(path, have) when have < needed ->
                Some(sprintf " libLibTorchSharp.so needs %s (GCC 13's libstdc++), but the highest version in the system's %s is %s."
                         (glibcxxName needed) path (glibcxxName have))
            | Some _ -> None
            | None ->
                Some(sprintf " No system libstdc++.so.6 was found (looked in %s); libLibTorchSharp.so needs %s."
                         (String.Join(", ", libstdcxxCandidates)) (glibcxxName needed))

    /// The reason text for a load failure, from what is found on disk and the loader's own error.
    let explainWith (folders: string[]) (libstdcxx: (string * (int * int * int)) option) (loaderError: exn) : string =
        let first (e: exn) =
            let rec innermost (e: exn) = if isNull e.InnerException then e else innermost e.InnerException
            let e = innermost e
            let m = e.Message
            let cut = m.IndexOf '\n'
            sprintf "%s: %s" (e.GetType().Name) (if cut > 0 then m.Substring(0, cut).Trim() else m.Trim())
        let why =
            match problemWith folders libstdcxx with
            | Some p -> p
            | None ->
                match libstdcxx with
                | Some(path, have) -> sprintf " The C++ runtime is new enough (%s has %s); see the loader's error." path (glibcxxName have)
                | None -> ""
        head + why + sprintf " %s (loader said: %s)" advice (first loaderError)

    /// On Linux, the reason libtorch cannot load that is visible before trying (so TorchSharp never starts its
    /// noisy fallback that copies 500 MB of natives); None when loading should be attempted.
    let precheck () : string option =
        if Runtime.InteropServices.RuntimeInformation.IsOSPlatform Runtime.InteropServices.OSPlatform.Linux then
            problemWith (nativeFolders ()) (systemLibstdcxx ())
            |> Option.map (fun p -> head + p + " " + advice + " (found before loading libtorch)")
        else None

    /// The reason text for a load failure on this machine.
    let explain (loaderError: exn) : string = explainWith (nativeFolders ()) (systemLibstdcxx ()) loaderError
