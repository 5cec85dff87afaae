module Main

open Expecto

[<EntryPoint>]
let main argv =
    PlainConsole.whenUncoloured argv
    runTestsInAssemblyWithCLIArgs [] argv
