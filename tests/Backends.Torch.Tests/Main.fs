module Main

open Expecto

[<EntryPoint>]
let main argv =
    PlainConsole.whenUncoloured argv
    // Only the Torch.* lists: the Core.Tests files linked in here register their managed originals too,
    // which Core.Tests already runs (and which would race the Torch lists for the default backend).
    let all = Impl.testFromAssembly (System.Reflection.Assembly.GetExecutingAssembly()) |> Option.defaultValue (TestList([], Normal))
    let mine = all |> Test.filter "/" (fun path -> match path with name :: _ -> name.StartsWith "Torch." | [] -> false)
    // Sequenced: the default backend, the environment and libtorch's dispose scopes are per process or thread.
    runTestsWithCLIArgs [ CLIArguments.Sequenced ] argv mine
