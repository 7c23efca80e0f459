print("nerve")
