module Main

open Expecto

[<EntryPoint>]
let main argv =
    // Sequenced: the default backend, the environment and libtorch's dispose scopes are per process or thread.
    runTestsInAssemblyWithCLIArgs [ CLIArguments.Sequenced ] argv
