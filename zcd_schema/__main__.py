from zcd_schema.cli import main

main()
