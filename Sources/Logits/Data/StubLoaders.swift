enum CSVLoader { static func load(path: String, options: LoadOptions) throws -> Dataset { throw DataFileError(file: path, message: "CSV loader not built yet") } }
