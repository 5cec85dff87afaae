/// Shared by every test project's entry point (linked into each project).
module PlainConsole

open System
open Expecto.Logging

/// Under `--colours 0`, Expecto's console logger still ends every write with an ANSI reset; log plain text then.
let whenUncoloured (argv: string[]) =
    let after flag = argv |> Array.tryFindIndex ((=) flag) |> Option.bind (fun i -> Array.tryItem (i + 1) argv)
    if after "--colours" = Some "0" then
        let level =
            match after "--verbosity" with
            | Some v -> LogLevel.ofString v
            | None -> if Array.contains "--debug" argv then LogLevel.Debug else LogLevel.Info
        let gate = obj ()
        let write (parts: (string * ConsoleColor) list) = lock gate (fun () -> for text, _ in parts do Console.Out.Write text)
        Global.initialise { Global.defaultConfig with getLogger = fun name -> LiterateConsoleTarget(name, level, outputWriter = write, consoleSemaphore = gate) :> Logger }
